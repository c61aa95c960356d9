package io.nitrosim.ebs.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ServiceLatencyModelTest
{
    @Test
    void shouldUseTheDocumentedDefaults()
    {
        final ServiceLatencyModel model = ServiceLatencyModel.defaults();
        assertEquals(500_000, model.timerFor(VolumeType.GP3, null).serviceNs(0, 16_384));
        assertEquals(500_000, model.timerFor(VolumeType.GP2, null).serviceNs(0, 1 << 20));
        assertEquals(250_000, model.timerFor(VolumeType.IO2, null).serviceNs(0, 4096));
        final VolumeServiceTimer st1 = model.timerFor(VolumeType.ST1, null);
        // 5 ms seek + 1 MiB at 500 MiB/s (2 ms), then sequential: 0.5 ms + 2 ms.
        assertEquals(7_000_000, st1.serviceNs(0, 1 << 20));
        assertEquals(2_500_000, st1.serviceNs(1 << 20, 1 << 20));
        assertEquals(7_000_000, st1.serviceNs(100L << 20, 1 << 20));
        assertEquals(14_000_000, model.timerFor(VolumeType.SC1, null).serviceNs(4096, 1 << 20));
    }

    @Test
    void shouldDrawJitterDeterministicallyFromTheSeed()
    {
        final ServiceLatencyModel model = ServiceLatencyModel.builder().jitterPpm(100_000).build();
        final VolumeServiceTimer a = model.timerFor(VolumeType.GP3, new SplittableRandom(7));
        final VolumeServiceTimer b = model.timerFor(VolumeType.GP3, new SplittableRandom(7));
        boolean varied = false;
        for (int i = 0; i < 100; i++)
        {
            final long latency = a.serviceNs(i * 8192L, 4096);
            assertEquals(latency, b.serviceNs(i * 8192L, 4096));
            assertTrue(latency >= 450_000 && latency <= 550_000, "latency " + latency);
            varied |= latency != 500_000;
        }
        assertTrue(varied);
        assertNotEquals(a.serviceNs(0, 4096), model.timerFor(VolumeType.GP3, new SplittableRandom(8)).serviceNs(0, 4096));
    }

    @Test
    void shouldRefuseBadProfiles()
    {
        assertEquals("service latency jitter 600000 ppm is out of range: accepted 0..500000",
            assertThrows(IllegalArgumentException.class,
                () -> new ServiceLatencyModel.Profile(1000, 1000, 0, 600_000)).getMessage());
        assertEquals("service latency base -1 ns is out of range: accepted 0..10000000000 ns",
            assertThrows(IllegalArgumentException.class, () -> ServiceLatencyModel.Profile.fixed(-1)).getMessage());
    }
}
