package io.nitrosim.ebs.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.fio.FioJob;
import io.nitrosim.ebs.fio.FioResult;
import io.nitrosim.ebs.fio.FioWorkload;
import io.nitrosim.ebs.nvme.IdentifyController;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.volume.VolumeType;

class EbsSmokeTest
{
    @TempDir
    Path dir;

    @Test
    void shouldBringUpWriteAndReadBackThroughPrpLists()
    {
        try (EbsRig rig = new EbsRig(EbsInstanceCaps.ofMbps(2250, 525, 16000, 4000, 1800), 16 << 20, dir, null))
        {
            final EbsRig.Router router = new EbsRig.Router();
            final NvmeController c = rig.attach(
                EbsRig.volume("vol-0123456789abcdef0", VolumeType.GP3, 8, 0, 0, "/dev/sdf"), router);
            final NvmeDriver d = rig.driver(c, NvmeDriver.config());
            router.driver = d;
            rig.guestAgent.drivers.add(d);
            rig.runtime.runUntil(10_000_000L);
            assertTrue(d.isReady(), () -> d.state() + " " + d.failureReason());
            final IdentifyController id = new IdentifyController().wrapForRead(d.identifyController(), 0);
            assertEquals("vol0123456789abcdef0", id.serialNumber());
            assertEquals("/dev/sdf", id.deviceName());

            final byte[] data = new byte[256 * 1024];
            new SplittableRandom(7).nextBytes(data);
            final long src = rig.allocator.allocate(data.length, 4096) + 512; // offset: PRP1 with an offset
            rig.allocator.allocate(4096, 4096);
            final long dst = rig.allocator.allocate(data.length + 4096, 4096);
            rig.memory.putBytes(src, data);
            final int[] status = {-1, -1};
            d.completionHandler((q, cid, st, dw0, head, tag) -> status[(int)tag] = st);
            assertTrue(d.submitWrite(1, 8, (data.length - 512) / 512, src, 0) >= 0);
            rig.runtime.runUntil(20_000_000L);
            assertEquals(0, status[0]);
            assertTrue(d.submitRead(1, 8, (data.length - 512) / 512, dst, 1) >= 0);
            rig.runtime.runUntil(30_000_000L);
            assertEquals(0, status[1]);
            final byte[] expected = java.util.Arrays.copyOf(data, data.length - 512);
            assertArrayEquals(expected, rig.memory.getBytes(dst, data.length - 512));
        }
    }

    @Test
    void shouldRunFioSequentialWriteInTimingOnlyMode()
    {
        try (EbsRig rig = new EbsRig(EbsInstanceCaps.ofMbps(2250, 525, 16000, 4000, 60), 64 << 20, null, null))
        {
            final FioJob job = FioJob.builder("seq").rw(FioJob.Rw.WRITE).blockSizeBytes(256 * 1024).iodepth(32)
                .sizeBytes(64L << 30).runtimeNs(10_000_000_000L).build();
            final FioWorkload a = rig.fio(EbsRig.volume("vol-0000000000000000a", VolumeType.GP3, 1000, 16000, 1000,
                "/dev/sdf"), NvmeDriver.config(), 1, job);
            final FioWorkload b = rig.fio(EbsRig.volume("vol-0000000000000000b", VolumeType.GP3, 1000, 16000, 1000,
                "/dev/sdg"), NvmeDriver.config(), 2, job);
            rig.runUntilDone(20_000_000_000L);
            final FioResult ra = a.total();
            final FioResult rb = b.total();
            System.out.println(ra + "\n" + rb);
            final double mbps = ra.bandwidthMbps() + rb.bandwidthMbps();
            assertEquals(2250, mbps, 22.5);
        }
    }

    @Test
    void shouldKeepServingTheOtherVolumeAfterADetach()
    {
        try (EbsRig rig = new EbsRig(EbsInstanceCaps.ofMbps(2250, 525, 16000, 4000, 60), 64 << 20, null, null))
        {
            final FioJob job = FioJob.builder("seq").rw(FioJob.Rw.WRITE).blockSizeBytes(256 * 1024).iodepth(32)
                .sizeBytes(64L << 30).runtimeNs(10_000_000_000L).build();
            rig.fio(EbsRig.volume("vol-0000000000000000a", VolumeType.GP3, 1000, 16000, 1000, "/dev/sdf"),
                NvmeDriver.config(), 1, job);
            rig.fio(EbsRig.volume("vol-0000000000000000b", VolumeType.GP3, 1000, 16000, 1000, "/dev/sdg"),
                NvmeDriver.config(), 2, job);
            final NvmeController a = rig.card.controllers().get(0);
            final NvmeController b = rig.card.controllers().get(1);
            rig.runtime.runUntil(1_000_000_000L);
            rig.runtime.remove(b.agent());
            assertTrue(rig.card.detach(b));
            assertEquals(1, rig.card.shaping().volumes().size());
            assertEquals(1, rig.card.controllers().size());
            final long bBytes = b.writeBytes();
            final long aBytes = a.writeBytes();
            rig.runtime.runUntil(3_000_000_000L);
            assertEquals(bBytes, b.writeBytes());
            // Alone, A gets the whole 2250 Mbps: 2 s x 281.25 MB/s, within one 256 KiB record per window edge.
            assertEquals(562_500_000L, a.writeBytes() - aBytes, 2 * 262_144);
        }
    }
}
