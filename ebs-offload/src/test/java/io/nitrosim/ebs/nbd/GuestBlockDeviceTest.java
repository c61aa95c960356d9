package io.nitrosim.ebs.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.nitrosim.ebs.device.EbsCard;
import io.nitrosim.ebs.device.NvmeController;
import io.nitrosim.ebs.driver.NvmeDriver;
import io.nitrosim.ebs.shaping.EbsInstanceCaps;
import io.nitrosim.ebs.storage.EmbeddedStorageBackend;
import io.nitrosim.ebs.storage.StorageEngine;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.FakeGuestMemoryAccess;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAllocator;
import io.nitrosim.pci.MsiSink;
import io.nitrosim.time.SimAgent;
import io.nitrosim.time.VirtualTimeRuntime;

/** NBD-shaped block requests through the reference NVMe driver, an NVMe controller and the EBS card, in virtual time. */
class GuestBlockDeviceTest
{
    private static final int MEMORY = 64 << 20;

    @TempDir
    Path dir;

    private final VirtualTimeRuntime runtime = new VirtualTimeRuntime();
    private final CounterRegistry registry = new CounterRegistry();
    private final List<BlockRequest> done = new ArrayList<>();
    private final BlockRequest.Owner owner = done::add;
    private EmbeddedStorageBackend backend;
    private NvmeController controller;
    private GuestBlockDevice device;
    private BlockQueue queue;

    private void build(final EbsInstanceCaps caps, final VolumeSpec volume, final boolean timingOnly)
    {
        final FakeGuestMemory memory = new FakeGuestMemory(0, MEMORY);
        final FakeGuestMemoryAccess guest = new FakeGuestMemoryAccess(memory);
        final GuestMemoryAllocator allocator = new GuestMemoryAllocator(4096, MEMORY - 4096);
        backend = timingOnly ? null : new EmbeddedStorageBackend(StorageEngine.context(dir).open(), true, 256);
        final EbsCard card = EbsCard.context().instanceId("i-0123456789abcdef0").caps(caps).clock(runtime.clock())
            .registry(registry).backend(backend).timingOnly(timingOnly).build();
        controller = card.attach(volume);
        queue = new BlockQueue(256);
        final NvmeDriver driver = NvmeDriver.create(FunctionAccess.of(controller), guest, allocator,
            NvmeDriver.config().ioQueuePairs(2).queueEntries(64));
        device = GuestBlockDevice.create(driver, guest, allocator, queue, 32);
        final MsiSink interrupts = (address, data) -> device.onInterrupt(data & 0xFF);
        controller.connect(memory, interrupts);
        runtime.add(new SimAgent()
        {
            @Override
            public int doWork()
            {
                return device.doWork(runtime.clock().nanoTime());
            }

            @Override
            public long nextDeadlineNs()
            {
                return device.nextDeadlineNs();
            }

            @Override
            public String roleName()
            {
                return "guest";
            }
        });
        runtime.add(card);
        runtime.add(controller.agent());
    }

    @AfterEach
    void tearDown()
    {
        runtime.close();
        if (backend != null)
        {
            backend.close();
        }
        registry.close();
    }

    private BlockRequest request(final int op, final boolean fua, final boolean noHole, final long offset,
        final int length, final ByteBuffer data)
    {
        final BlockRequest r = new BlockRequest(owner);
        r.set(op, fua, noHole, offset, length);
        if (data != null)
        {
            r.dataBuffer().wrap(data, 0, length);
        }
        else
        {
            r.data(0, 0);
        }
        return r;
    }

    /** Submits and runs until it completes; returns its error. */
    private int run(final BlockRequest r)
    {
        assertTrue(queue.offer(r));
        final int before = done.size();
        final long limit = runtime.clock().nanoTime() + 10_000_000_000L;
        while (done.size() == before && runtime.clock().nanoTime() < limit)
        {
            runtime.runUntil(runtime.clock().nanoTime() + 1_000_000);
        }
        assertEquals(before + 1, done.size(), "the request completed");
        return r.error();
    }

    private static VolumeSpec gp3(final int iops, final int mibps)
    {
        return VolumeSpec.builder().volumeId("vol-0123456789abcdef0").type(VolumeType.GP3).sizeGiB(64).iops(iops)
            .throughputMiBps(mibps).deviceName("/dev/sdf").build();
    }

    @Test
    void shouldStoreAndReturnDataThroughTheDevice()
    {
        build(EbsInstanceCaps.ofMbps(2250, 525, 16000, 4000, EbsInstanceCaps.EBS_BURST_SECONDS), gp3(3000, 125), false);
        final int length = 1 << 20; // four MDTS-sized commands
        final ByteBuffer written = ByteBuffer.allocateDirect(length);
        final byte[] random = new byte[length];
        new SplittableRandom(11).nextBytes(random);
        written.put(random).flip();
        assertEquals(0, run(request(BlockRequest.OP_WRITE, true, false, 3 * 512, length, written)));
        final ByteBuffer read = ByteBuffer.allocateDirect(length);
        assertEquals(0, run(request(BlockRequest.OP_READ, false, false, 3 * 512, length, read)));
        assertArrayEquals(random, bytes(read, length));
        assertEquals(0, run(request(BlockRequest.OP_FLUSH, false, false, 0, 0, null)));
        assertEquals(0, run(request(BlockRequest.OP_TRIM, false, false, 3 * 512, 4096, null)));
        assertEquals(0, run(request(BlockRequest.OP_WRITE_ZEROES, false, true, 3 * 512 + 8192, 8192, null)));
        assertEquals(0, run(request(BlockRequest.OP_WRITE_ZEROES, true, false, 3 * 512 + 65536, 512, null)));
        final ByteBuffer again = ByteBuffer.allocateDirect(length);
        assertEquals(0, run(request(BlockRequest.OP_READ, false, false, 3 * 512, length, again)));
        final byte[] expected = random.clone();
        java.util.Arrays.fill(expected, 0, 4096, (byte)0);
        java.util.Arrays.fill(expected, 8192, 16384, (byte)0);
        java.util.Arrays.fill(expected, 65536, 65536 + 512, (byte)0);
        assertArrayEquals(expected, bytes(again, length));
        // 4 writes + FUA flush, 4 reads, flush, trim, one 8 KiB zero write, deallocate + FUA flush, 4 reads
        assertEquals(18, device.commandsSubmitted());
        assertEquals(2L << 20, controller.readBytes());
        assertEquals((1L << 20) + 8192, controller.writeBytes());
    }

    @Test
    void shouldRefuseRequestsMisalignedToTheNamespacesBlocks()
    {
        build(EbsInstanceCaps.ofMbps(2250, 525, 16000, 4000, EbsInstanceCaps.EBS_BURST_SECONDS), gp3(3000, 125), true);
        assertEquals(NbdProtocol.EINVAL, run(request(BlockRequest.OP_READ, false, false, 100, 512,
            ByteBuffer.allocateDirect(512))));
        assertEquals(0, device.commandsSubmitted());
    }

    @Test
    void shouldRunAtTheInstanceCapLikeFio()
    {
        // c5.large: 2250 Mbps EBS peak; the volume allows more (1000 MiB/s, 16000 IOPS)
        build(EbsInstanceCaps.ofMbps(2250, 525, 16000, 4000, EbsInstanceCaps.EBS_BURST_SECONDS), gp3(16000, 1000),
            true);
        final int length = 256 * 1024;
        final ByteBuffer data = ByteBuffer.allocateDirect(length);
        final List<BlockRequest> inFlight = new ArrayList<>();
        for (int i = 0; i < 32; i++)
        {
            final BlockRequest r = request(BlockRequest.OP_WRITE, false, false, (long)i * length, length, data);
            inFlight.add(r);
            assertTrue(queue.offer(r));
        }
        long measuredFromNs = -1;
        long bytesAtStart = 0;
        final long endNs = 3_000_000_000L;
        int next = 32;
        while (runtime.clock().nanoTime() < endNs)
        {
            runtime.runUntil(Math.min(endNs, runtime.clock().nanoTime() + 100_000));
            for (final BlockRequest r : done)
            {
                assertEquals(0, r.error());
                r.set(BlockRequest.OP_WRITE, false, false, (long)(next++ % 4096) * length, length);
                assertTrue(queue.offer(r)); // QD 32 kept full, as an NBD client with 32 requests in flight
            }
            done.clear();
            if (measuredFromNs < 0 && runtime.clock().nanoTime() >= 1_000_000_000L)
            {
                measuredFromNs = runtime.clock().nanoTime();
                bytesAtStart = controller.writeBytes();
            }
        }
        final double mbps = (controller.writeBytes() - bytesAtStart) * 8 / 1e6 / ((endNs - measuredFromNs) / 1e9);
        assertEquals(2250.0, mbps, 2250 * 0.01, "EBS peak of the instance");
    }

    @Test
    void shouldAnswerEveryRequestItHoldsOnceWhenRetiredAndLeaveTheQueueAlone()
    {
        // a slow volume (100 IOPS) keeps commands in flight; a 1 MiB write is cut into four MDTS commands
        build(EbsInstanceCaps.ofMbps(2250, 525, 16000, 4000, EbsInstanceCaps.EBS_BURST_SECONDS),
            VolumeSpec.builder().volumeId("vol-0123456789abcdef0").type(VolumeType.IO1).sizeGiB(64).iops(100)
                .deviceName("/dev/sdf").build(), true);
        final ByteBuffer data = ByteBuffer.allocateDirect(1 << 20);
        final List<BlockRequest> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            final BlockRequest r = request(i % 5 == 4 ? BlockRequest.OP_FLUSH : BlockRequest.OP_WRITE, i % 3 == 0,
                false, i % 5 == 4 ? 0 : (long)i << 20, i % 5 == 4 ? 0 : 1 << 20, i % 5 == 4 ? null : data);
            sent.add(r);
            assertTrue(queue.offer(r));
        }
        runtime.runUntil(runtime.clock().nanoTime() + 200_000_000L);
        final int completedBefore = done.size();
        assertTrue(completedBefore < 40, "some requests are still held: " + completedBefore);
        final int held = device.retire(NbdProtocol.ESHUTDOWN);
        assertTrue(held > 0);
        assertEquals(0, device.retire(NbdProtocol.ESHUTDOWN), "once");
        final int waiting = 40 - done.size();
        assertTrue(waiting > 0, "some never left the queue");
        runtime.runUntil(runtime.clock().nanoTime() + 1_000_000_000L);
        assertEquals(40 - waiting, done.size(), "a retired device takes nothing more from its queue");
        int shutdown = 0;
        for (final BlockRequest r : done)
        {
            assertEquals(1, java.util.Collections.frequency(done, r), "answered once");
            shutdown += r.error() == NbdProtocol.ESHUTDOWN ? 1 : 0;
        }
        assertEquals(done.size() - completedBefore, shutdown, "every request held at retirement: NBD_ESHUTDOWN");
        int left = 0;
        while (queue.poll() != null)
        {
            left++;
        }
        assertEquals(waiting, left, "the rest are the queue's owner's to answer");
    }

    private static byte[] bytes(final ByteBuffer b, final int length)
    {
        final byte[] out = new byte[length];
        b.duplicate().clear().get(out);
        return out;
    }
}
