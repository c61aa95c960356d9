package io.nitrosim.simulator.trace;

import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.IntArrayList;
import org.agrona.collections.LongArrayList;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;

/**
 * The guest side of a recorded trace, as {@code trace replay} re-issues it: per instance, every config-space and
 * BAR access its driver made to a traced function (reads too: the values the device answers are part of what is
 * compared), each with its simulated time and its position in the trace, and the guest memory the device read
 * (the {@code dma-data} records) to write back before it.
 * <p>
 * The bytes a device read after an access (the submission queue entry after its doorbell, the PRP list, the data
 * of a write) were in guest memory before that access, so they are written back right before the instance's latest
 * access that precedes the read: a replayed device finds in memory what the recorded one found. (Not covered: a
 * guest that changes memory the device reads twice with no register access in between.) A trace recorded without
 * {@code dma-data} (or without the accesses) cannot be replayed.
 */
public final class ReplayScript
{
    /** One instance's accesses in trace order; {@code data*} are the memory writes before access {@code i}. */
    public static final class Inputs
    {
        final LongArrayList position = new LongArrayList();
        final LongArrayList timeNs = new LongArrayList();
        final IntArrayList kind = new IntArrayList();
        final IntArrayList function = new IntArrayList();
        final LongArrayList arg0 = new LongArrayList();
        final LongArrayList arg1 = new LongArrayList();
        final LongArrayList arg2 = new LongArrayList();
        final LongArrayList arg3 = new LongArrayList();
        final IntArrayList dataFrom = new IntArrayList();
        final IntArrayList dataTo = new IntArrayList();
        final LongArrayList dataAddress = new LongArrayList();
        final IntArrayList dataLength = new IntArrayList();
        final IntArrayList dataOffset = new IntArrayList();
        final ExpandableArrayBuffer data = new ExpandableArrayBuffer(4096);
        private int dataBytes;

        public int size()
        {
            return position.size();
        }

        /** The number of records before access {@code i} in the recorded trace. */
        public long position(final int i)
        {
            return position.getLong(i);
        }

        public long timeNs(final int i)
        {
            return timeNs.getLong(i);
        }

        /** {@link TraceKind#CONFIG_READ}, {@link TraceKind#CONFIG_WRITE}, {@link TraceKind#MMIO_READ} or {@link TraceKind#MMIO_WRITE}. */
        public int kind(final int i)
        {
            return kind.getInt(i);
        }

        /** The PCI device number on the instance's bus. */
        public int function(final int i)
        {
            return function.getInt(i);
        }

        /** The record's argument {@code n} (see {@link TraceKind}: offset, size, value; or BAR, offset, size, value). */
        public long arg(final int i, final int n)
        {
            switch (n)
            {
                case 0:
                    return arg0.getLong(i);
                case 1:
                    return arg1.getLong(i);
                case 2:
                    return arg2.getLong(i);
                default:
                    return arg3.getLong(i);
            }
        }

        /** Memory writes before access {@code i}: indexes {@code dataFrom(i)} (inclusive) to {@code dataTo(i)}. */
        public int dataFrom(final int i)
        {
            return dataFrom.getInt(i);
        }

        public int dataTo(final int i)
        {
            return dataTo.getInt(i);
        }

        public long dataAddress(final int d)
        {
            return dataAddress.getLong(d);
        }

        public int dataLength(final int d)
        {
            return dataLength.getInt(d);
        }

        /** Where memory write {@code d}'s bytes are in {@link #data()}. */
        public int dataOffset(final int d)
        {
            return dataOffset.getInt(d);
        }

        public ExpandableArrayBuffer data()
        {
            return data;
        }

        public long dataBytes()
        {
            return dataBytes;
        }

        private void access(final long at, final TraceRecord r)
        {
            position.addLong(at);
            timeNs.addLong(r.timeNs());
            kind.addInt(r.kind());
            function.addInt(r.function());
            arg0.addLong(r.arg0());
            arg1.addLong(r.arg1());
            arg2.addLong(r.arg2());
            arg3.addLong(r.arg3());
            dataFrom.addInt(dataAddress.size());
            dataTo.addInt(dataAddress.size());
        }

        /** Adds a read's bytes to the memory written before the latest access. */
        private void read(final TraceRecord r)
        {
            final long address = r.arg0() & ((1L << 56) - 1);
            final int n = (int)(r.arg0() >>> 56);
            if (n < 1 || n > TraceKind.DMA_DATA_BYTES)
            {
                throw new TraceException("dma-data record with " + n + " bytes (accepted 1.."
                    + TraceKind.DMA_DATA_BYTES + ")");
            }
            for (int i = 0; i < n; i++)
            {
                data.putByte(dataBytes + i, (byte)(r.arg(1 + i / 8) >>> (8 * (i % 8))));
            }
            final int access = size() - 1;
            final int last = dataAddress.size() - 1;
            if (last >= dataFrom.getInt(access) && dataAddress.getLong(last) + dataLength.getInt(last) == address)
            {
                dataLength.setInt(last, dataLength.getInt(last) + n); // the next 24 bytes of the same read
            }
            else
            {
                dataAddress.addLong(address);
                dataLength.addInt(n);
                dataOffset.addInt(dataBytes);
            }
            dataBytes += n;
            dataTo.setInt(access, dataAddress.size());
        }
    }

    private final TraceMeta meta;
    private final List<Inputs> instances;
    private final long records;

    private ReplayScript(final TraceMeta meta, final List<Inputs> instances, final long records)
    {
        this.meta = meta;
        this.instances = instances;
        this.records = records;
    }

    /** Reads a whole trace; one that lacks the kinds replay needs is a {@link TraceException}. */
    public static ReplayScript of(final TraceReader reader)
    {
        final TraceMeta meta = reader.meta();
        final long mask = TraceKind.mask(meta.events());
        for (final int needed : new int[] {TraceKind.CONFIG_READ, TraceKind.CONFIG_WRITE, TraceKind.MMIO_READ,
            TraceKind.MMIO_WRITE, TraceKind.DMA_DATA})
        {
            if ((mask & (1L << needed)) == 0)
            {
                throw new TraceException("the trace was recorded without " + TraceKind.name(needed)
                    + " records, which replay needs; record it with 'nitro-sim run SCENARIO --trace DIR --replayable' "
                    + "or the scenario's trace events [all, dma-data]");
            }
        }
        final List<Inputs> instances = new ArrayList<>();
        for (int i = 0; i < meta.instances().size(); i++)
        {
            instances.add(new Inputs());
        }
        long at = 0;
        while (reader.next())
        {
            final TraceRecord r = reader.record();
            final int kind = r.kind();
            if (r.instance() >= 0 && r.instance() < instances.size())
            {
                final Inputs in = instances.get(r.instance());
                if (kind == TraceKind.CONFIG_READ || kind == TraceKind.CONFIG_WRITE || kind == TraceKind.MMIO_READ
                    || kind == TraceKind.MMIO_WRITE)
                {
                    in.access(at, r);
                }
                else if (kind == TraceKind.DMA_DATA)
                {
                    if (in.size() == 0)
                    {
                        throw new TraceException("record " + at + ": a DMA read by " + meta.where(r.instance(),
                            r.function()) + " before any access to the instance's functions; the trace does not "
                            + "start at the run's start");
                    }
                    in.read(r);
                }
            }
            at++;
        }
        return new ReplayScript(meta, instances, at);
    }

    public TraceMeta meta()
    {
        return meta;
    }

    /** The accesses of the instance with index {@code instance} in the trace. */
    public Inputs instance(final int instance)
    {
        return instances.get(instance);
    }

    /** Records in the recorded trace. */
    public long records()
    {
        return records;
    }
}
