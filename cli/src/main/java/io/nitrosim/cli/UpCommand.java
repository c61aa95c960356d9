package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.nitrosim.ebs.nbd.NbdListenException;
import io.nitrosim.ec2api.Ec2Api;
import io.nitrosim.ec2api.http.Credentials;
import io.nitrosim.ec2api.http.ListenFailedException;
import io.nitrosim.simulator.scenario.MessageText;
import io.nitrosim.simulator.serve.MetricsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nitro-sim up}: a real-time region with the EC2 Query API on 127.0.0.1, until Ctrl-C or SIGTERM (or, when
 * embedded, an interrupt), then a clean shutdown: the endpoint closes, the journals are flushed, the ports freed
 * and the temporary files removed ({@link TempDirectories}' one shutdown hook stops the region and waits for it).
 */
@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Start a real-time region with the EC2 Query API on 127.0.0.1 (AWS SDKs and the AWS CLI can",
        "use it with an endpoint override) and serve Prometheus /metrics and JSON /status; stop with Ctrl-C."})
public final class UpCommand implements Callable<Integer>
{
    @Option(names = "--port", paramLabel = "N", description = "EC2 endpoint port on 127.0.0.1 (0 picks one), default 4566.")
    Integer port;

    @Option(names = "--metrics-port", paramLabel = "N", description = "/metrics and /status port (default 0: a free one).")
    int metricsPort;

    @Option(names = "--nbd-port", paramLabel = "N",
        description = "Export every volume attached to a running instance over NBD on 127.0.0.1:N, named by its volume "
            + "id (0 picks a free port; default: no NBD server).")
    Integer nbdPort;

    @Option(names = "--data", paramLabel = "DIR",
        description = "Keep the region here (control-plane journal, volumes' blocks): it survives a restart or kill -9.")
    Path data;

    @Option(names = "--hosts", paramLabel = "N", description = "Hypervisor hosts in the region, 1..64 (default 1).")
    Integer hosts;

    @Option(names = "--config", paramLabel = "FILE",
        description = "YAML or JSON settings: port, hosts, seed, availabilityZone, transitionDelayMs, maxConnections, "
            + "maxBodyBytes, nbdPort (options given on the command line win).")
    Path config;

    @Option(names = "--credentials", paramLabel = "FILE",
        description = "Verify SigV4 signatures against these keys (AWS credentials file format); default: any key.")
    Path credentials;

    @Spec
    CommandSpec spec;

    /** The settings a --config file may hold. */
    static final class Settings
    {
        public Integer port;
        public Integer hosts;
        public Long seed;
        public String availabilityZone;
        public Long transitionDelayMs;
        public Integer maxConnections;
        public Integer maxBodyBytes;
        public Integer nbdPort;
    }

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        final Settings settings = config == null ? new Settings() : readConfig(config);
        final int endpointPort = port != null ? port : settings.port != null ? settings.port : Ec2Api.Context.DEFAULT_PORT;
        checkPort("--port", endpointPort);
        checkPort("--metrics-port", metricsPort);
        final Ec2Api.Context context = Ec2Api.context()
            .port(endpointPort)
            .hosts(hosts != null ? hosts : settings.hosts != null ? settings.hosts : 1)
            .dataDirectory(data);
        final Integer volumesPort = nbdPort != null ? nbdPort : settings.nbdPort;
        if (volumesPort != null)
        {
            checkPort("--nbd-port", volumesPort);
            context.nbdPort(volumesPort);
        }
        if (settings.seed != null)
        {
            context.seed(settings.seed);
        }
        if (settings.availabilityZone != null)
        {
            context.availabilityZone(settings.availabilityZone);
        }
        if (settings.transitionDelayMs != null)
        {
            context.transitionDelayNs(settings.transitionDelayMs * 1_000_000L);
        }
        if (settings.maxConnections != null)
        {
            context.maxConnections(settings.maxConnections);
        }
        if (settings.maxBodyBytes != null)
        {
            context.maxBodyBytes(settings.maxBodyBytes);
        }
        if (credentials != null)
        {
            context.credentials(Credentials.load(credentials));
        }
        // Without --data the volumes' blocks go to a temporary directory the one shutdown hook removes; the hook
        // also stops the region (Ctrl-C, SIGTERM) and waits until it is closed.
        final Path work = data == null ? TempDirectories.create("nitro-sim-up") : null;
        try (TempDirectories.Run running = TempDirectories.running(work))
        {
            final CountDownLatch stopRequested = new CountDownLatch(1);
            running.stopWith(stopRequested::countDown);
            try (Ec2Api api = startApi(context.workDirectory(work));
                MetricsServer metrics = MetricsServer.start(metricsPort, () -> metricsText(api), () -> status(api)))
            {
                final int boundMetricsPort = ServeCommand.awaitPort(metrics, "--metrics-port", metricsPort);
                final PrintWriter out = spec.commandLine().getOut();
                final String endpoint = api.endpoint();
                out.println("nitro-sim up: EC2 endpoint " + endpoint + " (API 2016-11-15, " + context.hosts() + " host"
                    + (context.hosts() == 1 ? "" : "s") + ", " + (data == null ? "state in memory" : "data in " + data)
                    + (api.replayedEntries() > 0 ? ", " + api.replayedEntries() + " journal entries replayed" : "")
                    + ")");
                out.println("metrics http://127.0.0.1:" + boundMetricsPort + "/metrics, status http://127.0.0.1:"
                    + boundMetricsPort + "/status");
                out.println("try: aws ec2 describe-instance-types --endpoint-url " + endpoint + " --region us-east-1 "
                    + "--instance-types c5.large");
                if (api.nbdAddress() != null)
                {
                    final String nbd = "nbd://127.0.0.1:" + api.nbdAddress().getPort();
                    out.println("NBD " + nbd + ": every volume attached to a running instance, by its volume id ("
                        + nbd + "/vol-...)");
                    out.println("try: nbdinfo --list " + nbd);
                }
                out.println("stop with Ctrl-C");
                out.flush();
                try
                {
                    stopRequested.await();
                }
                catch (final InterruptedException ex)
                {
                    // embedded use: an interrupt stops the region as Ctrl-C does (the flag stays clear so that
                    // closing can wait for the region's thread)
                }
            }
            final PrintWriter out = spec.commandLine().getOut();
            out.println("nitro-sim up: stopped");
            out.flush();
        }
        return NitroSim.EXIT_OK;
    }

    private static void checkPort(final String option, final int port)
    {
        if (port < 0 || port > 65535)
        {
            throw new BadInputException(option + " " + port + " is out of range, accepted 0..65535");
        }
    }

    /** The endpoint and its region; what the user can fix is a one-line bad input. */
    private static Ec2Api startApi(final Ec2Api.Context context) throws InterruptedException
    {
        try
        {
            return Ec2Api.start(context);
        }
        catch (final ListenFailedException ex)
        {
            throw BadInputException.cannotListen("--port", ex.port(), ex.reason());
        }
        catch (final NbdListenException ex)
        {
            throw BadInputException.cannotListen("--nbd-port", ex.port(), ex.reason());
        }
        catch (final IllegalArgumentException | UncheckedIOException ex) // a setting out of range, a data directory
        {
            throw new BadInputException(MessageText.line(ex.getMessage()));
        }
    }

    private static String metricsText(final Ec2Api api)
    {
        try
        {
            return api.metricsText();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IllegalStateException("the region did not answer: " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    private static Map<String, Object> status(final Ec2Api api)
    {
        try
        {
            return api.status();
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            throw new IllegalStateException("the region did not answer: " + ex, ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", ex);
        }
    }

    private static Settings readConfig(final Path file)
    {
        if (!Files.isRegularFile(file))
        {
            throw new BadInputException(file + ": no such file");
        }
        final String name = file.getFileName().toString();
        final ObjectMapper mapper = name.endsWith(".json") ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try
        {
            final Settings settings = mapper.readValue(file.toFile(), Settings.class);
            return settings == null ? new Settings() : settings;
        }
        catch (final IOException ex)
        {
            throw new BadInputException(file + ": " + ex.getMessage().lines().findFirst().orElse("unreadable")
                + " (accepted: port, hosts, seed, availabilityZone, transitionDelayMs, maxConnections, maxBodyBytes, "
                + "nbdPort)");
        }
    }
}
