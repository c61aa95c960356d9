package io.nitrosim.ec2api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.nitrosim.ec2api.http.Credentials;
import io.nitrosim.ec2api.http.Ec2HttpServer;
import io.nitrosim.ec2api.http.SigV4;
import io.nitrosim.ec2api.journal.ControlJournal;
import io.nitrosim.ec2api.service.Ec2Service;
import io.nitrosim.simulator.region.Region;

/**
 * A region in a box: the simulator's real-time {@link Region} with the EC2 Query API in front of it on
 * 127.0.0.1. With a data directory, the control plane's journal and the volumes' blocks live there and a restart
 * replays them (instances come back stopped); a lock keeps a second process out of the directory.
 */
public final class Ec2Api implements AutoCloseable
{
    private final Context ctx;
    private final Region region;
    private final ControlJournal journal;
    private final Ec2Service service;
    private final Ec2HttpServer server;
    private final FileChannel lockChannel;
    private final long replayed;

    private Ec2Api(final Context ctx) throws InterruptedException
    {
        this.ctx = ctx;
        FileChannel channel = null;
        ControlJournal openedJournal = null;
        Region startedRegion = null;
        try
        {
            if (ctx.dataDirectory != null)
            {
                Files.createDirectories(ctx.dataDirectory);
                channel = FileChannel.open(ctx.dataDirectory.resolve("nitro-sim.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
                FileLock lock;
                try
                {
                    lock = channel.tryLock();
                }
                catch (final OverlappingFileLockException ex)
                {
                    lock = null; // held by this JVM
                }
                if (lock == null)
                {
                    throw new IllegalArgumentException("data directory " + ctx.dataDirectory
                        + " is in use by another nitro-sim process");
                }
                openedJournal = ControlJournal.open(ctx.dataDirectory.resolve("control-journal"));
            }
            startedRegion = Region.start(Region.context().hosts(ctx.hosts).seed(ctx.seed).nbdPort(ctx.nbdPort)
                .dataDirectory(ctx.dataDirectory != null ? ctx.dataDirectory : ctx.workDirectory));
            this.region = startedRegion;
            this.journal = openedJournal;
            this.lockChannel = channel;
            this.service = new Ec2Service(region, journal, ctx.clock, ctx.availabilityZone, ctx.transitionDelayNs);
            this.replayed = service.start();
            this.server = new Ec2HttpServer(service, new SigV4(ctx.credentials), ctx.clock,
                new Ec2HttpServer.Settings(ctx.bindAddress, ctx.port, ctx.maxBodyBytes, ctx.maxConnections,
                    ctx.idleTimeoutSeconds, ctx.requestTimeoutMs));
        }
        catch (final IOException ex)
        {
            closeQuietly(startedRegion, openedJournal, channel);
            throw new UncheckedIOException("cannot use data directory " + ctx.dataDirectory + ": " + ex.getMessage(), ex);
        }
        catch (final RuntimeException | InterruptedException ex)
        {
            closeQuietly(startedRegion, openedJournal, channel);
            throw ex;
        }
    }

    private static void closeQuietly(final Region region, final ControlJournal journal, final FileChannel channel)
    {
        if (region != null)
        {
            region.close();
        }
        if (journal != null)
        {
            journal.close();
        }
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // the lock goes with the process anyway
            }
        }
    }

    /**
     * Starts the region, replays the journal and binds the endpoint; returns once requests are served.
     *
     * @throws IllegalArgumentException a setting out of range, or the data directory in use by another process.
     * @throws java.io.UncheckedIOException the data directory cannot be used.
     * @throws io.nitrosim.ec2api.http.ListenFailedException the endpoint's port cannot be listened on.
     */
    public static Ec2Api start(final Context ctx) throws InterruptedException
    {
        ctx.conclude();
        return new Ec2Api(ctx);
    }

    public static Context context()
    {
        return new Context();
    }

    public InetSocketAddress address()
    {
        return server.address();
    }

    /** {@code http://127.0.0.1:PORT}, what an SDK's endpoint override or the AWS CLI's --endpoint-url takes. */
    public String endpoint()
    {
        return "http://" + address().getHostString() + ":" + address().getPort();
    }

    /** Where the region serves its attached volumes over NBD, or null without {@link Context#nbdPort}. */
    public InetSocketAddress nbdAddress()
    {
        return region.nbdAddress();
    }

    /** Connections the endpoint holds open now. */
    public int openConnections()
    {
        return server.openConnections();
    }

    public Region region()
    {
        return region;
    }

    public Ec2Service service()
    {
        return service;
    }

    /** Journal entries replayed at start (0 for a new region). */
    public long replayedEntries()
    {
        return replayed;
    }

    /** The data plane's meters and the API's calls by action and outcome, in the Prometheus text format. */
    public String metricsText() throws InterruptedException, ExecutionException, TimeoutException
    {
        return region.submit(c -> c.scrapeMetrics()).get(10, TimeUnit.SECONDS) + service.scrapeApiMetrics();
    }

    /** What the region holds and what the API created, for /status. */
    public Map<String, Object> status() throws InterruptedException, ExecutionException, TimeoutException
    {
        final Map<String, Object> status = service.status().get(10, TimeUnit.SECONDS);
        status.put("endpoint", endpoint());
        status.put("dataDirectory", ctx.dataDirectory == null ? null : ctx.dataDirectory.toString());
        if (region.nbdAddress() != null)
        {
            final Map<String, Object> nbd = new LinkedHashMap<>();
            nbd.put("endpoint", "nbd://127.0.0.1:" + region.nbdAddress().getPort());
            region.submit(c ->
            {
                nbd.put("exports", c.nbdExports());
                nbd.put("lastRefusal", c.nbdRefusal());
                return null;
            }).get(10, TimeUnit.SECONDS);
            status.put("nbd", nbd);
        }
        return status;
    }

    /** Closes the endpoint, then stops the region (its journals flushed) and releases the data directory. */
    @Override
    public void close()
    {
        server.close();
        closeQuietly(region, journal, lockChannel);
    }

    /** Settings of the endpoint and its region, checked in {@link #conclude()}. */
    public static final class Context
    {
        public static final int DEFAULT_PORT = 4566;

        private String bindAddress = "127.0.0.1";
        private int port = DEFAULT_PORT;
        private Path dataDirectory;
        private Path workDirectory;
        private int hosts = 1;
        private long seed = 1;
        private Credentials credentials;
        private String availabilityZone = "us-east-1a";
        private long transitionDelayNs = 100_000_000L;
        private int maxBodyBytes = 1 << 20;
        private int maxConnections = 256;
        private int idleTimeoutSeconds = 60;
        private long requestTimeoutMs = 30_000L;
        private Clock clock = Clock.systemUTC();
        private int nbdPort = -1;

        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        public Context bindAddress(final String bindAddress)
        {
            this.bindAddress = bindAddress;
            return this;
        }

        /**
         * Export every volume attached to a running instance over NBD on 127.0.0.1:{@code port}, named by its volume
         * id (0: any free port; -1, the default: no NBD server).
         */
        public Context nbdPort(final int port)
        {
            this.nbdPort = port;
            return this;
        }

        public Context dataDirectory(final Path dataDirectory)
        {
            this.dataDirectory = dataDirectory;
            return this;
        }

        /**
         * Where a region without a data directory keeps its volumes' blocks, left for the caller to remove (null:
         * a temporary directory of the region's own, removed when it closes). Unused with a data directory.
         */
        public Context workDirectory(final Path workDirectory)
        {
            this.workDirectory = workDirectory;
            return this;
        }

        public Context hosts(final int hosts)
        {
            this.hosts = hosts;
            return this;
        }

        public Context seed(final long seed)
        {
            this.seed = seed;
            return this;
        }

        /** Verify signatures against these keys (null: accept any key). */
        public Context credentials(final Credentials credentials)
        {
            this.credentials = credentials;
            return this;
        }

        public Context availabilityZone(final String zone)
        {
            this.availabilityZone = zone;
            return this;
        }

        /** How long pending, stopping and shutting-down last (wall time). */
        public Context transitionDelayNs(final long delayNs)
        {
            this.transitionDelayNs = delayNs;
            return this;
        }

        public Context maxBodyBytes(final int bytes)
        {
            this.maxBodyBytes = bytes;
            return this;
        }

        public Context maxConnections(final int connections)
        {
            this.maxConnections = connections;
            return this;
        }

        public Context idleTimeoutSeconds(final int seconds)
        {
            this.idleTimeoutSeconds = seconds;
            return this;
        }

        public Context requestTimeoutMs(final long ms)
        {
            this.requestTimeoutMs = ms;
            return this;
        }

        public Context clock(final Clock clock)
        {
            this.clock = clock;
            return this;
        }

        public int hosts()
        {
            return hosts;
        }

        void conclude()
        {
            check(port >= 0 && port <= 65535, "port " + port + " out of range 0..65535");
            check(nbdPort >= -1 && nbdPort <= 65535, "NBD port " + nbdPort + " out of range 0..65535");
            check(hosts >= 1 && hosts <= Region.Context.MAX_HOSTS,
                "hosts " + hosts + " out of range 1.." + Region.Context.MAX_HOSTS);
            check(availabilityZone != null && availabilityZone.matches("[a-z]{2}(-[a-z]+)+-\\d[a-z]"),
                "availability zone '" + availabilityZone + "' must look like us-east-1a");
            check(transitionDelayNs >= 0 && transitionDelayNs <= 60_000_000_000L,
                "transitionDelayNs " + transitionDelayNs + " out of range 0..60000000000");
            check(maxBodyBytes >= 1024 && maxBodyBytes <= 64 << 20,
                "maxBodyBytes " + maxBodyBytes + " out of range 1024..67108864");
            check(maxConnections >= 1 && maxConnections <= 100_000,
                "maxConnections " + maxConnections + " out of range 1..100000");
            check(idleTimeoutSeconds >= 1 && idleTimeoutSeconds <= 3600,
                "idleTimeoutSeconds " + idleTimeoutSeconds + " out of range 1..3600");
            check(requestTimeoutMs >= 100 && requestTimeoutMs <= 600_000,
                "requestTimeoutMs " + requestTimeoutMs + " out of range 100..600000");
        }

        private static void check(final boolean ok, final String message)
        {
            if (!ok)
            {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
