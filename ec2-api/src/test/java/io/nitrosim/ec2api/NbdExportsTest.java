package io.nitrosim.ec2api;

import static io.nitrosim.ec2api.Ec2Fixture.IMAGE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.nitrosim.ebs.nbd.NbdTestClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;

/**
 * The region's NBD door, as `nitro-sim up --nbd-port` opens it: volumes created and attached through the AWS SDK
 * are exports named by their volume ids, read and written with the project's NBD client (written from the NBD
 * protocol document), and withdrawn on detach and stop the way the protocol document asks: unknown to new
 * sessions (NBD_REP_ERR_UNKNOWN), NBD_ESHUTDOWN to the requests of open ones, never a request left unanswered.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NbdExportsTest
{
    private static final int ACK = 1;
    private static final int ERR_UNKNOWN = 0x80000006;
    private static final int OPT_EXPORT_NAME = 1;
    private static final int CMD_READ = 0;
    private static final int CMD_WRITE = 1;
    private static final int CMD_FLAG_FUA = 1;
    private static final int ESHUTDOWN = 108;

    private static String launch(final Ec2Client ec2)
    {
        final String instance = ec2.runInstances(b -> b.imageId(IMAGE).instanceType(InstanceType.C5_LARGE).minCount(1)
            .maxCount(1)).instances().get(0).instanceId();
        Ec2Fixture.awaitState(ec2, instance, InstanceStateName.RUNNING);
        return instance;
    }

    private static List<String> list(final InetSocketAddress nbd) throws Exception
    {
        try (NbdTestClient c = new NbdTestClient(nbd).greet(3))
        {
            return c.list();
        }
    }

    private static byte[] readBack(final InetSocketAddress nbd, final String volume, final long offset, final int length)
        throws Exception
    {
        try (NbdTestClient c = NbdTestClient.open(nbd, volume))
        {
            final NbdTestClient.Reply r = c.read(offset, length);
            assertEquals(0, r.error(), "READ of " + volume);
            return r.data();
        }
    }

    @Test
    void shouldServeAttachedVolumesByIdAndWithdrawThemOnDetachAndStop() throws Exception
    {
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context().nbdPort(0));
             Ec2Client ec2 = Ec2Fixture.client(api))
        {
            final InetSocketAddress nbd = api.nbdAddress();
            assertEquals("127.0.0.1", nbd.getHostString());
            final String instance = launch(ec2);
            final String volume = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(1).volumeType("gp3"))
                .volumeId();
            assertEquals(List.of(), list(nbd), "a detached volume is not exported");

            ec2.attachVolume(b -> b.volumeId(volume).instanceId(instance).device("/dev/sdf"));
            assertEquals(List.of(volume), list(nbd));
            final byte[] data = new byte[1 << 20];
            new SplittableRandom(12).nextBytes(data);
            final long offset = 300L << 20;
            try (NbdTestClient idle = NbdTestClient.open(nbd, volume);
                 NbdTestClient busy = NbdTestClient.open(nbd, volume))
            {
                assertEquals(1L << 30, idle.exportSize, "the 1 GiB volume");
                for (int i = 0; i < 4; i++)
                {
                    assertEquals(0, idle.write(offset + (i << 18), Arrays.copyOfRange(data, i << 18, (i + 1) << 18),
                        i == 3 ? CMD_FLAG_FUA : 0).error());
                }
                assertArrayEquals(data, idle.read(offset, data.length).data(), "read back byte for byte");
                final String metrics = api.metricsText();
                assertTrue(DataPlaneTest.sum(metrics, "ebs_write_bytes_total", "volume=\"" + volume + "\"")
                    >= data.length, "the writes crossed the volume's NVMe controller");

                // requests in flight when the volume goes: each one answered (done, or NBD_ESHUTDOWN), none dropped
                final Set<Long> cookies = new HashSet<>();
                final byte[] block = new byte[256 << 10];
                for (int i = 0; i < 32; i++)
                {
                    cookies.add(busy.send(0, CMD_WRITE, (i + 8L) << 20, block.length, block));
                }
                ec2.detachVolume(b -> b.volumeId(volume));
                int answered = 0;
                int shutdown = 0;
                while (!cookies.isEmpty())
                {
                    final NbdTestClient.Reply r = busy.readReply(0);
                    assertTrue(cookies.remove(r.cookie()), "one reply per request: " + r.cookie());
                    assertTrue(r.error() == 0 || r.error() == ESHUTDOWN, "error " + r.error());
                    answered++;
                    shutdown += r.error() == ESHUTDOWN ? 1 : 0;
                }
                System.out.printf("detach with 32 writes in flight: %d answered, %d of them NBD_ESHUTDOWN%n", answered,
                    shutdown);

                // an open connection's next request: NBD_ESHUTDOWN, then the server closes it
                idle.send(0, CMD_READ, offset, 4096, null);
                assertEquals(ESHUTDOWN, idle.readReply(4096).error());
                assertTrue(idle.closedByServer(), "closed after the reply");
            }
            assertEquals(List.of(), list(nbd), "gone from NBD_OPT_LIST");
            try (NbdTestClient c = new NbdTestClient(nbd).greet(3))
            {
                final NbdTestClient.OptionReply r = c.go(volume);
                assertEquals(ERR_UNKNOWN, r.type(), r.text());
            }
            try (NbdTestClient c = new NbdTestClient(nbd).greet(3))
            {
                c.sendOption(OPT_EXPORT_NAME, volume.getBytes(StandardCharsets.US_ASCII));
                assertTrue(c.closedByServer(), "NBD_OPT_EXPORT_NAME of an unknown export ends the session");
            }

            // attached again, elsewhere on the bus: served again, with its blocks
            ec2.attachVolume(b -> b.volumeId(volume).instanceId(instance).device("/dev/sdg"));
            assertEquals(List.of(volume), list(nbd));
            assertArrayEquals(data, readBack(nbd, volume, offset, data.length));

            // a stopped instance runs no driver: no export until it runs again
            ec2.stopInstances(b -> b.instanceIds(instance));
            assertEquals(List.of(), list(nbd), "withdrawn when the instance stops");
            Ec2Fixture.awaitState(ec2, instance, InstanceStateName.STOPPED);
            ec2.startInstances(b -> b.instanceIds(instance));
            Ec2Fixture.awaitState(ec2, instance, InstanceStateName.RUNNING);
            assertEquals(List.of(volume), list(nbd), "back once it runs");
            assertArrayEquals(data, readBack(nbd, volume, offset, data.length));

            ec2.terminateInstances(b -> b.instanceIds(instance));
            assertEquals(List.of(), list(nbd), "withdrawn when the instance terminates");
        }
    }

    @Test
    void shouldListTheVolumeToDebiansNbdinfo() throws Exception
    {
        boolean found = false;
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        {
            found |= Files.isExecutable(Path.of(dir, "nbdinfo"));
        }
        if (!found)
        {
            System.out.println("skipped: nbdinfo is not on the PATH (Debian's libnbd-bin; .ci/run installs it)");
        }
        Assumptions.assumeTrue(found, "nbdinfo is not on the PATH (apt-get install libnbd-bin)");
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context().nbdPort(0));
             Ec2Client ec2 = Ec2Fixture.client(api))
        {
            final String instance = launch(ec2);
            final String volume = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(2).volumeType("gp2"))
                .volumeId();
            ec2.attachVolume(b -> b.volumeId(volume).instanceId(instance).device("/dev/sdf"));
            final Process p = new ProcessBuilder("nbdinfo", "--list", "nbd://127.0.0.1:" + api.nbdAddress().getPort())
                .redirectErrorStream(true).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "nbdinfo finished");
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println("nbdinfo --list:\n" + out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("export=\"" + volume + "\"") || out.contains(volume), out);
            assertTrue(out.contains("2147483648"), "the 2 GiB size: " + out);
        }
    }
}
