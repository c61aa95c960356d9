package io.nitrosim.integration.tools;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.nitrosim.simulator.engine.Simulation;

/** Debian's tools as child processes: found on the PATH or the test is skipped, saying how to install them. */
final class Tools
{
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A finished tool run. */
    record Result(int exit, String out, String err)
    {
        JsonNode json()
        {
            try
            {
                final int start = out.indexOf('{'); // fio prints a line before its JSON
                return JSON.readTree(out.substring(Math.max(0, start)));
            }
            catch (final IOException ex)
            {
                throw new AssertionError("not JSON: " + out + "\n" + err, ex);
            }
        }

        @Override
        public String toString()
        {
            return "exit " + exit + "\n" + out + "\n" + err;
        }
    }

    private Tools()
    {
    }

    /** Skips the test unless every one of {@code binaries} is on the PATH. */
    static void require(final String... binaries)
    {
        for (final String b : binaries)
        {
            boolean found = false;
            for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            {
                found |= Files.isExecutable(Path.of(dir, b));
            }
            Assumptions.assumeTrue(found, b + " is not installed: the checks with real tools need Debian's fio, "
                + "libnbd-bin (nbdinfo, nbdcopy) and iperf3 (apt-get install -y fio libnbd-bin iperf3; CI installs them)");
        }
    }

    /** Runs {@code command} in {@code dir} (tools leave state files there) for at most {@code timeoutS}. */
    static Result run(final Path dir, final long timeoutS, final String... command) throws IOException, InterruptedException
    {
        final Path out = Files.createTempFile(dir, "out", ".txt");
        final Path err = Files.createTempFile(dir, "err", ".txt");
        final Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
            .redirectError(err.toFile()).start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutS + " s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    }

    /** A port free for TCP and UDP on 127.0.0.1 now (tools that need the number up front; bound right after). */
    static int freePort() throws IOException
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
            {
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    tcp.getLocalPort())))
                {
                    return udp.getLocalPort();
                }
                catch (final IOException ex)
                {
                    // taken for UDP: another one
                }
            }
        }
        throw new IOException("no port free for both TCP and UDP on 127.0.0.1");
    }

    /** Wall and simulated time around a tool run: whether the simulation kept pace (see {@link Window}). */
    record Pace(long wallNs, long simNs)
    {
        boolean kept()
        {
            return Math.abs(simNs - wallNs) <= wallNs * Window.PACE_TOLERANCE;
        }

        @Override
        public String toString()
        {
            return String.format("%.3f s wall, %.3f s simulated", wallNs / 1e9, simNs / 1e9);
        }
    }

    /** A tool run timed against the simulation's clock. */
    @FunctionalInterface
    interface Timed<T>
    {
        T run() throws Exception;
    }

    record Paced<T>(T result, Pace pace)
    {
    }

    static <T> Paced<T> paced(final Simulation simulation, final Timed<T> tool) throws Exception
    {
        final long sim0 = simulation.simulatedNs();
        final long wall0 = System.nanoTime();
        final T result = tool.run();
        return new Paced<>(result, new Pace(System.nanoTime() - wall0, simulation.simulatedNs() - sim0));
    }

    /** Skips when the simulation fell behind the wall clock during a rate measurement (an overloaded machine). */
    static void assumeKeptPace(final String what, final Pace pace)
    {
        Assumptions.assumeTrue(pace.kept(), what + ": the simulation fell behind the wall clock (" + pace
            + "); a rate a tool measured then is the machine's, not the model's");
    }
}
