package io.nitrosim.ebs.fio;

/**
 * One fio job description (a [job] section): what to run on one NVMe namespace through the reference driver.
 * Validated in {@link Builder#build()} (one-line errors naming the value and the accepted range).
 * <ul>
 * <li>{@code rw}: read, write, randread, randwrite, randrw (with {@code rwmixread} percent reads).</li>
 * <li>{@code bs}: block size in bytes, a multiple of the LBA size, up to {@link #MAX_BLOCK_SIZE_BYTES} (16 MiB); a
 *     block above the controller's MDTS (256 KiB) goes out as contiguous MDTS-sized commands, as Linux splits it
 *     at the queue's max_sectors_kb, and EBS merges them back into operations of its I/O unit.</li>
 * <li>{@code iodepth}: I/Os in flight per job.</li>
 * <li>{@code numjobs}: clones of the job; clone j works on [offset + j * size, offset + (j + 1) * size) (fio's
 *     {@code offset_increment=size}). Each clone uses I/O queue pair 1 + (j mod pairs) of the driver: its own
 *     pair when the driver has at least numjobs pairs, else pairs are shared round robin.</li>
 * <li>{@code size}: bytes of the region of each clone; {@code runtimeNs}: if &gt; 0 the job is time based
 *     (loops over its region until the runtime ends), else it does one pass over its region.</li>
 * <li>{@code verify}: every write carries the {@link BlockPattern} of (lba, generation); reads of written blocks
 *     are compared with it whole (randrw inline; write jobs read their region back after the write phase) and
 *     mismatches counted. Needs a data-mode controller.</li>
 * </ul>
 */
public final class FioJob
{
    /**
     * Largest {@code bs}: 16 MiB. Linux passes one direct I/O of up to 2 GiB - 4 KiB (MAX_RW_COUNT) and splits it
     * at max_sectors_kb, so fio on EBS refuses no block size anyone uses; the limit here keeps a job's buffers (bs
     * per clone, bs x iodepth with verify) within the guest's DMA memory, sixteen times EBS's largest I/O unit.
     */
    public static final int MAX_BLOCK_SIZE_BYTES = 16 << 20;

    /** The rw= modes. */
    public enum Rw
    {
        READ(false, false), WRITE(false, true), RANDREAD(true, false), RANDWRITE(true, true), RANDRW(true, true);

        private final boolean random;
        private final boolean writes;

        Rw(final boolean random, final boolean writes)
        {
            this.random = random;
            this.writes = writes;
        }

        public boolean isRandom()
        {
            return random;
        }

        public boolean writes()
        {
            return writes;
        }

        /** fio's name ("randread"). */
        public String fioName()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Rw fromFioName(final String name)
        {
            for (final Rw rw : values())
            {
                if (rw.fioName().equals(name))
                {
                    return rw;
                }
            }
            throw new IllegalArgumentException("rw \"" + name + "\" is unknown: accepted read, write, randread, "
                + "randwrite, randrw");
        }
    }

    private final String name;
    private final Rw rw;
    private final int blockSizeBytes;
    private final int iodepth;
    private final int numjobs;
    private final long sizeBytes;
    private final long offsetBytes;
    private final long runtimeNs;
    private final int rwmixread;
    private final boolean verify;

    private FioJob(final Builder b)
    {
        this.name = b.name;
        this.rw = b.rw;
        this.blockSizeBytes = b.blockSizeBytes;
        this.iodepth = b.iodepth;
        this.numjobs = b.numjobs;
        this.sizeBytes = b.sizeBytes;
        this.offsetBytes = b.offsetBytes;
        this.runtimeNs = b.runtimeNs;
        this.rwmixread = b.rwmixread;
        this.verify = b.verify;
    }

    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    public String name()
    {
        return name;
    }

    public Rw rw()
    {
        return rw;
    }

    public int blockSizeBytes()
    {
        return blockSizeBytes;
    }

    public int iodepth()
    {
        return iodepth;
    }

    public int numjobs()
    {
        return numjobs;
    }

    public long sizeBytes()
    {
        return sizeBytes;
    }

    public long offsetBytes()
    {
        return offsetBytes;
    }

    public long runtimeNs()
    {
        return runtimeNs;
    }

    public int rwmixread()
    {
        return rwmixread;
    }

    public boolean verify()
    {
        return verify;
    }

    @Override
    public String toString()
    {
        return "[" + name + "] rw=" + rw.fioName() + " bs=" + blockSizeBytes + " iodepth=" + iodepth + " numjobs="
            + numjobs + " size=" + sizeBytes + " offset=" + offsetBytes + " runtime=" + runtimeNs + "ns"
            + (rw == Rw.RANDRW ? " rwmixread=" + rwmixread : "") + (verify ? " verify=crc32c" : "");
    }

    /** Job options; defaults: rw=read, bs=4096, iodepth=1, numjobs=1, size=64 MiB, offset=0, one pass. */
    public static final class Builder
    {
        private final String name;
        private Rw rw = Rw.READ;
        private int blockSizeBytes = 4096;
        private int iodepth = 1;
        private int numjobs = 1;
        private long sizeBytes = 64L << 20;
        private long offsetBytes;
        private long runtimeNs;
        private int rwmixread = 50;
        private boolean verify;

        private Builder(final String name)
        {
            this.name = name;
        }

        public Builder rw(final Rw rw)
        {
            this.rw = rw;
            return this;
        }

        public Builder rw(final String fioName)
        {
            this.rw = Rw.fromFioName(fioName);
            return this;
        }

        public Builder blockSizeBytes(final int bytes)
        {
            this.blockSizeBytes = bytes;
            return this;
        }

        public Builder iodepth(final int iodepth)
        {
            this.iodepth = iodepth;
            return this;
        }

        public Builder numjobs(final int numjobs)
        {
            this.numjobs = numjobs;
            return this;
        }

        public Builder sizeBytes(final long sizeBytes)
        {
            this.sizeBytes = sizeBytes;
            return this;
        }

        public Builder offsetBytes(final long offsetBytes)
        {
            this.offsetBytes = offsetBytes;
            return this;
        }

        /** Time based run of this length (0 = one pass over the region). */
        public Builder runtimeNs(final long runtimeNs)
        {
            this.runtimeNs = runtimeNs;
            return this;
        }

        public Builder rwmixread(final int percent)
        {
            this.rwmixread = percent;
            return this;
        }

        public Builder verify(final boolean verify)
        {
            this.verify = verify;
            return this;
        }

        public FioJob build()
        {
            if (name == null || name.isEmpty())
            {
                throw new IllegalArgumentException("fio job needs a name, got " + name);
            }
            if (rw == null)
            {
                throw new IllegalArgumentException("fio job " + name + " needs rw, got none");
            }
            if (blockSizeBytes < 512 || blockSizeBytes > MAX_BLOCK_SIZE_BYTES || blockSizeBytes % 512 != 0)
            {
                throw new IllegalArgumentException("fio job " + name + " bs " + blockSizeBytes
                    + " B out of range: accepted a multiple of 512 in 512.." + MAX_BLOCK_SIZE_BYTES + " (16 MiB)");
            }
            if (iodepth < 1 || iodepth > 1023)
            {
                throw new IllegalArgumentException("fio job " + name + " iodepth " + iodepth + " out of range: accepted 1..1023");
            }
            if (numjobs < 1 || numjobs > 64)
            {
                throw new IllegalArgumentException("fio job " + name + " numjobs " + numjobs + " out of range: accepted 1..64");
            }
            if (sizeBytes < blockSizeBytes || sizeBytes % blockSizeBytes != 0)
            {
                throw new IllegalArgumentException("fio job " + name + " size " + sizeBytes
                    + " B out of range: accepted a positive multiple of bs " + blockSizeBytes);
            }
            if (offsetBytes < 0 || offsetBytes % 512 != 0)
            {
                throw new IllegalArgumentException("fio job " + name + " offset " + offsetBytes
                    + " B out of range: accepted a non-negative multiple of 512");
            }
            if (runtimeNs < 0)
            {
                throw new IllegalArgumentException("fio job " + name + " runtime " + runtimeNs + " ns must be >= 0");
            }
            if (rwmixread < 0 || rwmixread > 100)
            {
                throw new IllegalArgumentException("fio job " + name + " rwmixread " + rwmixread + " out of range: accepted 0..100");
            }
            if (verify && !rw.writes())
            {
                throw new IllegalArgumentException("fio job " + name + " verify needs a writing rw (write, randwrite, "
                    + "randrw), got " + rw.fioName());
            }
            if (verify && sizeBytes / blockSizeBytes > (1 << 24))
            {
                throw new IllegalArgumentException("fio job " + name + " verify tracks at most 16 M blocks, size "
                    + sizeBytes + " / bs " + blockSizeBytes + " is more");
            }
            return new FioJob(this);
        }
    }
}
