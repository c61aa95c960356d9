package io.nitrosim.ec2api;

import static io.nitrosim.ec2api.Ec2Fixture.IMAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.nic.guest.GuestIperf;
import io.nitrosim.nic.traffic.StreamSpec;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;

/**
 * The API's instances are the data plane's: two instances created through the SDK exchange traffic through the
 * ENA reference driver in their guests and one reads its volume through the NVMe reference driver; the caps they
 * run into (one flow's 5 Gbps, gp3's 3000 IOPS) are read back from /metrics over simulated time.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DataPlaneTest
{
    private static final long SECOND = 1_000_000_000L;

    /** The sum of a counter's samples whose labels contain every one of {@code labels}. */
    static double sum(final String metrics, final String name, final String... labels)
    {
        double total = 0;
        final Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(metrics);
        while (m.find())
        {
            boolean all = true;
            for (final String label : labels)
            {
                all &= m.group(1).contains(label);
            }
            if (all)
            {
                total += Double.parseDouble(m.group(2));
            }
        }
        return total;
    }

    static double simulatedNs(final String metrics)
    {
        final Matcher m = Pattern.compile("(?m)^region_simulated_ns (\\S+)$").matcher(metrics);
        assertTrue(m.find(), "region_simulated_ns in /metrics");
        return Double.parseDouble(m.group(1));
    }

    @Test
    void shouldShapeTrafficAndIoOfInstancesCreatedThroughTheApi() throws Exception
    {
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context());
             Ec2Client ec2 = Ec2Fixture.client(api))
        {
            final List<Instance> pair = ec2.runInstances(b -> b.imageId(IMAGE).instanceType(InstanceType.C5_LARGE)
                .minCount(2).maxCount(2)).instances();
            final String a = pair.get(0).instanceId();
            final String b2 = pair.get(1).instanceId();
            Ec2Fixture.awaitState(ec2, a, InstanceStateName.RUNNING);
            Ec2Fixture.awaitState(ec2, b2, InstanceStateName.RUNNING);
            final String volume = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(100).volumeType("gp3"))
                .volumeId();
            ec2.attachVolume(b -> b.volumeId(volume).instanceId(a).device("/dev/sdf"));

            final long startNs = api.region().submit(c ->
            {
                final long start = c.nowNs() + SECOND / 10; // after the drivers brought their devices up
                final GuestIperf from = c.iperf(a);
                final GuestIperf to = c.iperf(b2);
                GuestIperf.stream(StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(9001)
                    .window(start, start + 600 * SECOND).build(), from, to);
                c.fio(a, volume, start, FioJob.builder("randread").rw("randread").blockSizeBytes(4096).iodepth(32)
                    .sizeBytes(1L << 30).runtimeNs(600 * SECOND).build());
                return start;
            }).get(20, TimeUnit.SECONDS);

            final String first = awaitSimulated(api, startNs / 1e9 + 0.5);
            final String second = awaitSimulated(api, simulatedNs(first) / 1e9 + 1.5);
            final double seconds = (simulatedNs(second) - simulatedNs(first)) / 1e9;
            final double outGbps = (sum(second, "nic_tx_bytes_total", "instance=\"" + a + "\"")
                - sum(first, "nic_tx_bytes_total", "instance=\"" + a + "\"")) * 8 / seconds / 1e9;
            final double inGbps = (sum(second, "nic_rx_bytes_total", "instance=\"" + b2 + "\"")
                - sum(first, "nic_rx_bytes_total", "instance=\"" + b2 + "\"")) * 8 / seconds / 1e9;
            final double iops = (sum(second, "ebs_read_ops_total", "volume=\"" + volume + "\"")
                - sum(first, "ebs_read_ops_total", "volume=\"" + volume + "\"")) / seconds;
            System.out.printf("data plane over %.2f simulated s: %.4f Gbps out of %s, %.4f Gbps into %s, %.1f IOPS%n",
                seconds, outGbps, a, inGbps, b2, iops);
            assertEquals(5.0, outGbps, 0.05, "one flow is held to 5 Gbps");
            assertEquals(5.0, inGbps, 0.05, "and arrives at the other instance");
            assertEquals(3000.0, iops, 30.0, "gp3's 3000 IOPS baseline");
            assertEquals(0.0, sum(second, "bw_in_allowance_exceeded_total", "instance=\"" + b2 + "\""), 0.0);
        }
    }

    /** Scrapes /metrics until the region's simulated time passed {@code seconds}. */
    private static String awaitSimulated(final Ec2Api api, final double seconds) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String metrics = api.metricsText();
        while (simulatedNs(metrics) < seconds * 1e9)
        {
            assertTrue(System.nanoTime() < deadline, "the region reached " + simulatedNs(metrics) + " ns");
            Thread.sleep(100);
            metrics = api.metricsText();
        }
        return metrics;
    }
}
