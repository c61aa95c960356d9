package io.nitrosim.benchmarks;

import java.util.concurrent.TimeUnit;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

import io.nitrosim.nic.frame.FrameOutlet;
import io.nitrosim.nic.traffic.StreamPayload;
import io.nitrosim.nic.traffic.StreamReceiver;
import io.nitrosim.nic.traffic.StreamSpec;
import io.nitrosim.nic.traffic.TrafficStream;

/**
 * The iperf workload's full-payload cost per frame, against a plain copy of the same bytes in the same run:
 * <ul>
 *   <li>{@code memcpy}: the reference, one {@code putBytes} of a frame's fill ({@code payload - 32} bytes) from a
 *       cached source into the next slot of a region of its own;</li>
 *   <li>{@code send}: {@link TrafficStream} builds frames (headers, stream header, fill) into the next slots, as
 *       it does into a driver's TX staging buffer;</li>
 *   <li>{@code receive}: {@link StreamReceiver} takes frames from the slots (sequence, latency histogram, fill
 *       check), as it does from a driver's RX buffer.</li>
 * </ul>
 * Slots rotate through {@code regionBytes} of heap (the drivers' staging buffers are heap arrays), one frame
 * each. One operation is one frame: ns/op is ns per frame, and fill bytes / ns/op is the payload rate that
 * {@link BenchmarkMain} compares with {@code memcpy}. Run with {@code -prof gc} to see the allocation per frame
 * (none is the target).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class PayloadPatternBenchmark
{
    static final int FRAMES_PER_OP = 64;

    /** L3 MTU of the frames: jumbo or standard. */
    @Param({"9001", "1500"})
    public int mtu;

    /** Bytes the slots rotate through. */
    @Param({"4194304"})
    public int regionBytes;

    private StreamSpec spec;
    private Slots outlet;
    private TrafficStream sender;
    private StreamReceiver receiver;
    private UnsafeBuffer source;
    private Slots copies;
    private int fillBytes;
    private int copySlot;
    private int receiveSlot;
    private long nowNs = 1;

    @Setup(Level.Trial)
    public void setUp()
    {
        JvmFlagsCheck.requireProjectJvmFlags();
        spec = StreamSpec.builder(StreamSpec.Mode.UDP_UNLIMITED).mtu(mtu).payloadMode(true)
            .window(0, Long.MAX_VALUE).build();
        fillBytes = spec.payloadLength() - StreamPayload.LENGTH;
        outlet = new Slots(spec.frameLength(), regionBytes / spec.frameLength());
        sender = new TrafficStream(1, spec, outlet, null, 0x0200_0000_0001L, 0x0a00_0001, 0x0200_0000_0002L,
            0x0a00_0002, 40000, 5201);
        receiver = new StreamReceiver(1, spec, null, 0x0200_0000_0002L, 0x0a00_0002);
        source = new UnsafeBuffer(new byte[fillBytes]);
        copies = new Slots(spec.frameLength(), outlet.slots);
        while (outlet.wrapped == 0)
        {
            sender.doWork(nowNs++); // every slot holds a frame for receive
        }
    }

    /** After {@code receive} (the only one that receives: {@code memcpy} alone is a valid run). */
    @TearDown(Level.Trial)
    public void checkReceivedFrames(final BenchmarkParams params)
    {
        if (params.getBenchmark().endsWith(".receive"))
        {
            checkEveryFrameVerified();
        }
    }

    /** Throws unless frames were received and every one passed the fill check. */
    public void checkEveryFrameVerified()
    {
        if (receiver.corrupted() != 0 || receiver.framesReceived() == 0)
        {
            throw new IllegalStateException(receiver.corrupted() + " of " + receiver.framesReceived()
                + " frames failed the fill check");
        }
    }

    /** Bytes of fill per frame (the payload after the 32-byte stream header). */
    public int fillBytes()
    {
        return fillBytes;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_OP)
    public int memcpy()
    {
        final MutableDirectBuffer buffer = copies.buffer;
        for (int i = 0; i < FRAMES_PER_OP; i++)
        {
            buffer.putBytes(copySlot * copies.slotBytes + 64, source, 0, fillBytes);
            copySlot = copySlot + 1 == copies.slots ? 0 : copySlot + 1;
        }
        return copySlot;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_OP)
    public int send()
    {
        final int sent = sender.doWork(nowNs++);
        if (sent != FRAMES_PER_OP)
        {
            throw new IllegalStateException("sent " + sent + " frames, expected " + FRAMES_PER_OP);
        }
        return sent;
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_OP)
    public long receive()
    {
        final int frameLength = spec.frameLength();
        for (int i = 0; i < FRAMES_PER_OP; i++)
        {
            receiver.onFrame(outlet.buffer, receiveSlot * outlet.slotBytes, frameLength, frameLength, nowNs);
            receiveSlot = receiveSlot + 1 == outlet.slots ? 0 : receiveSlot + 1;
        }
        return receiver.framesReceived();
    }

    /** A ring of frame-sized slots that always has room: the next claim takes the next slot. */
    static final class Slots implements FrameOutlet
    {
        final MutableDirectBuffer buffer;
        final int slotBytes;
        final int slots;
        int next;
        int wrapped;

        Slots(final int frameBytes, final int slots)
        {
            this.slotBytes = (frameBytes + 63) & ~63;
            this.slots = slots;
            this.buffer = new UnsafeBuffer(new byte[slotBytes * slots]);
        }

        @Override
        public int tryClaim(final int capturedLength, final int frameLength)
        {
            return next * slotBytes;
        }

        @Override
        public MutableDirectBuffer buffer()
        {
            return buffer;
        }

        @Override
        public void commit(final int index)
        {
            if (++next == slots)
            {
                next = 0;
                wrapped++;
            }
        }

        @Override
        public boolean hasRoom()
        {
            return true;
        }
    }
}
