package io.nitrosim.ebs.device;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.storage.RemoteStorageBackend;
import io.nitrosim.ebs.storage.StorageEngine;
import io.nitrosim.ebs.storage.StorageServer;
import io.nitrosim.ebs.volume.ServiceLatencyModel;
import io.nitrosim.ebs.volume.VolumeType;

/**
 * The card storing through the storage server over its Netty TCP protocol on 127.0.0.1, as in a multi-process
 * run: a guest write through the NVMe driver is acknowledged only after the server journaled it, and reads
 * back byte for byte.
 */
class RemoteBackendTest
{
    @TempDir
    Path dir;

    @Test
    void shouldWriteAndReadBackThroughTheStorageServerOverTcp()
    {
        try (StorageEngine engine = StorageEngine.context(dir.resolve("server")).open();
            StorageServer server = StorageServer.start(engine, "127.0.0.1", 0))
        {
            final RemoteStorageBackend backend = RemoteStorageBackend.context(server.port()).host("127.0.0.1")
                .accessTokenFrom(dir.resolve("server")).connect();
            try (EbsRig rig = new EbsRig(EbsInstanceCaps.ofMbps(2250, 525, 16000, 4000, 1800), 16 << 20, backend,
                ServiceLatencyModel.defaults(), 512))
            {
                final EbsRig.Router router = new EbsRig.Router();
                final NvmeController c = rig.attach(
                    EbsRig.volume("vol-0123456789abcdef1", VolumeType.GP3, 8, 0, 0, "/dev/sdf"), router);
                final NvmeDriver d = rig.driver(c, NvmeDriver.config());
                router.driver = d;
                rig.guestAgent.drivers.add(d);
                runUntil(rig, d::isReady);
                assertTrue(d.isReady(), () -> d.state() + " " + d.failureReason());

                final byte[] data = new byte[64 * 1024];
                new SplittableRandom(3).nextBytes(data);
                final long src = rig.allocator.allocate(data.length, 4096);
                final long dst = rig.allocator.allocate(data.length, 4096);
                rig.memory.putBytes(src, data);
                final int[] status = {-1, -1};
                d.completionHandler((q, cid, st, dw0, head, tag) -> status[(int)tag] = st);
                assertTrue(d.submitWrite(1, 64, data.length / 512, src, 0) >= 0);
                runUntil(rig, () -> status[0] >= 0);
                assertEquals(0, status[0], "write acknowledged by the server");
                assertTrue(d.submitRead(1, 64, data.length / 512, dst, 1) >= 0);
                runUntil(rig, () -> status[1] >= 0);
                assertEquals(0, status[1]);
                assertArrayEquals(data, rig.memory.getBytes(dst, data.length));
            }
        }
    }

    /**
     * Advances simulated time in 1 ms steps until {@code done}; completions from the server arrive in real time,
     * so between steps the loop yields the thread briefly (bounded: at most 5000 steps).
     */
    private static void runUntil(final EbsRig rig, final BooleanSupplier done)
    {
        for (int step = 0; step < 5000 && !done.getAsBoolean(); step++)
        {
            rig.runtime.runUntil(rig.runtime.clock().nanoTime() + 1_000_000L);
            LockSupport.parkNanos(200_000L);
        }
    }
}
