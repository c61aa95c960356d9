package io.nitrosim.benchmarks;

import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.nitrosim.ebs.fio.BlockPattern;

/**
 * The fio workload's verify cost per block, against a plain copy of the same bytes in the same run:
 * <ul>
 *   <li>{@code memcpy}: the reference, one copy of {@code bs} bytes from a cached source into the next guest
 *       buffer;</li>
 *   <li>{@code write}: {@link BlockPattern#write} of (LBA, generation) into the next guest buffer, what fio does
 *       before it submits a write;</li>
 *   <li>{@code verify}: the copy out of the guest buffer and {@link BlockPattern#matches}, what fio does when a
 *       read of a written block completes.</li>
 * </ul>
 * Guest buffers rotate through {@code regionBytes} of heap. One operation is one block: bs / ns/op is the rate
 * {@link BenchmarkMain} compares with {@code memcpy}. Run with {@code -prof gc} for the allocation per block.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class BlockPatternBenchmark
{
    @Param({"16384", "262144"})
    public int bs;

    @Param({"8388608"})
    public int regionBytes;

    private HeapGuestMemory memory;
    private BlockPattern pattern;
    private UnsafeBuffer source;
    private UnsafeBuffer scratch;
    private int blocks;
    private int next;
    private long mismatches;

    @Setup(Level.Trial)
    public void setUp()
    {
        JvmFlagsCheck.requireProjectJvmFlags();
        memory = new HeapGuestMemory(regionBytes);
        pattern = new BlockPattern(bs);
        source = new UnsafeBuffer(new byte[bs]);
        scratch = new UnsafeBuffer(new byte[bs]);
        blocks = regionBytes / bs;
        for (int b = 0; b < blocks; b++)
        {
            pattern.write(memory, (long)b * bs, b, 1, bs);
        }
    }

    @TearDown(Level.Trial)
    public void checkEveryBlockVerified()
    {
        if (mismatches != 0)
        {
            throw new IllegalStateException(mismatches + " blocks failed verify");
        }
    }

    @Benchmark
    public int memcpy()
    {
        memory.write((long)next * bs, source, 0, bs);
        return advance();
    }

    @Benchmark
    public int write()
    {
        pattern.write(memory, (long)next * bs, next, 1, bs); // the same block again: what verify expects
        return advance();
    }

    @Benchmark
    public boolean verify()
    {
        memory.read((long)next * bs, scratch, 0, bs);
        final boolean ok = pattern.matches(scratch, 0, next, 1, bs);
        if (!ok)
        {
            mismatches++;
        }
        advance();
        return ok;
    }

    private int advance()
    {
        next = next + 1 == blocks ? 0 : next + 1;
        return next;
    }
}
