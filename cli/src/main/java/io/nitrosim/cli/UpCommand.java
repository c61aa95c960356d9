package io.nitrosim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.nitrosim.ec2api.Ec2Api;
import io.nitrosim.ec2api.http.Credentials;
import io.nitrosim.simulator.serve.MetricsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code nitro-sim up}: a real-time region with the EC2 Query API on 127.0.0.1, until Ctrl-C or SIGTERM (or, when
 * embedded, an interrupt), then a clean shutdown: the endpoint closes, the journals are flushed, the ports freed.
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

    @Option(names = "--data", paramLabel = "DIR",
        description = "Keep the region here (control-plane journal, volumes' blocks): it survives a restart or kill -9.")
    Path data;

    @Option(names = "--hosts", paramLabel = "N", description = "Hypervisor hosts in the region, 1..64 (default 1).")
    Integer hosts;

    @Option(names = "--config", paramLabel = "FILE",
        description = "YAML or JSON settings: port, hosts, seed, availabilityZone, transitionDelayMs, maxConnections, "
            + "maxBodyBytes (options given on the command line win).")
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
    }

    @Override
    public Integer call() throws IOException, InterruptedException
    {
        final Settings settings = config == null ? new Settings() : readConfig(config);
        final Ec2Api.Context context = Ec2Api.context()
            .port(port != null ? port : settings.port != null ? settings.port : Ec2Api.Context.DEFAULT_PORT)
            .hosts(hosts != null ? hosts : settings.hosts != null ? settings.hosts : 1)
            .dataDirectory(data);
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
        if (metricsPort < 0 || metricsPort > 65535)
        {
            throw new BadInputException("--metrics-port " + metricsPort + " is out of range, accepted 0..65535");
        }
        final Ec2Api api;
        try
        {
            api = Ec2Api.start(context);
        }
        catch (final java.io.UncheckedIOException ex)
        {
            throw new BadInputException(ex.getMessage());
        }
        final MetricsServer metrics = MetricsServer.start(metricsPort, () -> metricsText(api), () -> status(api));
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            shutdown(api, metrics);
            stopped.countDown();
        }, "nitro-sim-up-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        final PrintWriter out = spec.commandLine().getOut();
        final String endpoint = api.endpoint();
        out.println("nitro-sim up: EC2 endpoint " + endpoint + " (API 2016-11-15, " + context.hosts() + " host"
            + (context.hosts() == 1 ? "" : "s") + ", " + (data == null ? "state in memory" : "data in " + data)
            + (api.replayedEntries() > 0 ? ", " + api.replayedEntries() + " journal entries replayed" : "") + ")");
        out.println("metrics http://127.0.0.1:" + metrics.port() + "/metrics, status http://127.0.0.1:" + metrics.port()
            + "/status");
        out.println("try: aws ec2 describe-instance-types --endpoint-url " + endpoint + " --region us-east-1 "
            + "--instance-types c5.large");
        out.println("stop with Ctrl-C");
        out.flush();
        try
        {
            stopped.await();
        }
        catch (final InterruptedException ex)
        {
            // embedded use: an interrupt stops the region as SIGTERM does
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException alreadyStopping)
            {
                stopped.await(30, TimeUnit.SECONDS);
                return NitroSim.EXIT_OK;
            }
            shutdown(api, metrics);
        }
        out.println("nitro-sim up: stopped");
        out.flush();
        return NitroSim.EXIT_OK;
    }

    private static void shutdown(final Ec2Api api, final MetricsServer metrics)
    {
        metrics.close();
        api.close();
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
                + " (accepted: port, hosts, seed, availabilityZone, transitionDelayMs, maxConnections, maxBodyBytes)");
        }
    }
}
