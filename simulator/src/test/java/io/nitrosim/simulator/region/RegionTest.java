package io.nitrosim.simulator.region;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ebs.device.EbsMeter;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.hypervisor.InstanceState;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.nic.vpc.Subnet;
import io.nitrosim.nic.vpc.Vpc;

@Timeout(60)
class RegionTest
{
    private static <T> T await(final CompletableFuture<T> future) throws Exception
    {
        return future.get(20, TimeUnit.SECONDS);
    }

    private static Ec2Exception refused(final CompletableFuture<?> future)
    {
        try
        {
            future.get(20, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            return assertInstanceOf(Ec2Exception.class, ex.getCause());
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
        throw new AssertionError("expected a refusal");
    }

    private static VolumeSpec gp3(final int n)
    {
        return VolumeSpec.builder().volumeId(String.format("vol-0%016x", n)).type("gp3").sizeGiB(8)
            .deviceName("/dev/sd" + (char)('a' + n % 26) + (char)('a' + n / 26)).build();
    }

    @Test
    void shouldLaunchPlugTwentySevenVolumesRefuseTheTwentyEighthAndCleanUpAtTermination() throws Exception
    {
        try (Region region = Region.start(Region.context().hosts(1)))
        {
            final String id = await(region.submit(c ->
            {
                final Vpc vpc = c.vpc().createVpc("10.0.0.0/16");
                final Subnet subnet = c.vpc().createSubnet(vpc.id(), "10.0.1.0/24");
                final String eni = c.vpc().createNetworkInterface(subnet.id()).id();
                final RegionInstance ri = c.launch("c5.large", eni);
                assertEquals(InstanceState.PENDING, ri.instance().state());
                c.completeTransition(ri.id());
                return ri.id();
            }));
            assertEquals(InstanceState.RUNNING, await(region.submit(c -> c.instance(id).instance().state())));
            for (int n = 0; n < 27; n++)
            {
                final VolumeSpec spec = gp3(n);
                await(region.submit(c -> c.attachVolume(id, spec)));
            }
            final Ec2Exception limit = refused(region.submit(c -> c.attachVolume(id, gp3(27))));
            assertEquals("AttachmentLimitExceeded", limit.code());
            assertEquals(28, (int)await(region.submit(c -> c.instance(id).instance().attachments().size())));
            assertNotNull(await(region.submit(c -> c.counters().find(EbsMeter.READ_OPS,
                MetricTags.of("instance", id, "volume", "vol-00000000000000000")))));

            await(region.submit(c -> c.terminate(id)));
            await(region.submit(c -> c.completeTransition(id)));
            final List<Object> after = await(region.submit(c -> List.of(c.instance(id).instance().state(),
                c.instance(id).enis().size(), c.instance(id).volumes().size(),
                c.instance(id).vpcCard().instances().size(),
                c.counters().find(EbsMeter.READ_OPS, MetricTags.of("instance", id, "volume", "vol-00000000000000000"))
                    == null)));
            assertEquals(List.of(InstanceState.TERMINATED, 0, 0, 0, true), after);
        }
    }

    @Test
    void shouldRefuseALaunchNoHostHasRoomForWithInsufficientInstanceCapacity() throws Exception
    {
        try (Region region = Region.start(Region.context().hosts(1)))
        {
            final Ec2Exception full = refused(region.submit(c ->
            {
                final Vpc vpc = c.vpc().createVpc("10.0.0.0/16");
                final Subnet subnet = c.vpc().createSubnet(vpc.id(), "10.0.1.0/24");
                c.launch("c5.18xlarge", c.vpc().createNetworkInterface(subnet.id()).id());
                return c.launch("c5.large", c.vpc().createNetworkInterface(subnet.id()).id());
            }));
            assertEquals("InsufficientInstanceCapacity", full.code());
            assertTrue(full.detail().startsWith("We currently do not have sufficient c5.large capacity in the region: "
                + "none of its 1 hosts has room (Insufficient capacity on this host for c5.large"), full.detail());
            assertEquals(1, (int)await(region.submit(c -> c.instances().size())), "the refused launch left nothing");
        }
    }

    @Test
    void shouldFollowTheWallClockAndStopTakingCommandsOnceClosed() throws Exception
    {
        final Region region = Region.start(Region.context());
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        long simulatedNs = 0;
        while (simulatedNs < 20_000_000L && System.nanoTime() < deadline)
        {
            simulatedNs = await(region.submit(RegionControl::nowNs));
        }
        assertTrue(simulatedNs >= 20_000_000L, "simulated time follows the wall clock: " + simulatedNs);
        assertNull(region.failure());
        final RegionStatus status = await(region.submit(RegionControl::status));
        assertEquals("running", status.state());
        assertEquals(72, status.hosts().get(0).freeThreads());
        region.close();
        final Ec2Exception closed = refused(region.submit(RegionControl::nowNs));
        assertEquals("ServiceUnavailable", closed.code());
        assertFalse(closed.detail().isEmpty());
    }
}
