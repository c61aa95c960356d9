package io.nitrosim.ebs.nbd;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What an NBD server offers under a name: its size, its block-size constraints, whether it is read-only, and
 * the {@link BlockQueue} its requests go to. Built and validated by {@link #builder(String)}.
 */
public final class NbdExport
{
    private final String name;
    private final List<String> aliases;
    private final String description;
    private final long sizeBytes;
    private final int minimumBlockBytes;
    private final int preferredBlockBytes;
    private final int maxPayloadBytes;
    private final boolean readOnly;
    private final BlockQueue queue;

    private NbdExport(final Builder b)
    {
        this.name = b.name;
        this.aliases = List.copyOf(b.aliases);
        this.description = b.description;
        this.sizeBytes = b.sizeBytes;
        this.minimumBlockBytes = b.minimumBlockBytes;
        this.preferredBlockBytes = b.preferredBlockBytes;
        this.maxPayloadBytes = b.maxPayloadBytes;
        this.readOnly = b.readOnly;
        this.queue = b.queue;
    }

    public static Builder builder(final String name)
    {
        return new Builder(name);
    }

    /** The canonical name (listed by NBD_OPT_LIST). */
    public String name()
    {
        return name;
    }

    /** Other names that select this export (e.g. the volume id). */
    public List<String> aliases()
    {
        return aliases;
    }

    public String description()
    {
        return description;
    }

    public long sizeBytes()
    {
        return sizeBytes;
    }

    public int minimumBlockBytes()
    {
        return minimumBlockBytes;
    }

    public int preferredBlockBytes()
    {
        return preferredBlockBytes;
    }

    public int maxPayloadBytes()
    {
        return maxPayloadBytes;
    }

    public boolean readOnly()
    {
        return readOnly;
    }

    public BlockQueue queue()
    {
        return queue;
    }

    boolean answersTo(final String requested)
    {
        return name.equals(requested) || aliases.contains(requested);
    }

    /**
     * The transmission flags: flush, FUA, trim and write-zeroes are supported; several connections share one
     * device with no cache in between, so flushes are visible across connections (CAN_MULTI_CONN).
     */
    int transmissionFlags()
    {
        int flags = NbdProtocol.FLAG_HAS_FLAGS | NbdProtocol.FLAG_SEND_FLUSH | NbdProtocol.FLAG_SEND_FUA
            | NbdProtocol.FLAG_CAN_MULTI_CONN;
        if (readOnly)
        {
            flags |= NbdProtocol.FLAG_READ_ONLY;
        }
        else
        {
            flags |= NbdProtocol.FLAG_SEND_TRIM | NbdProtocol.FLAG_SEND_WRITE_ZEROES;
        }
        return flags;
    }

    @Override
    public String toString()
    {
        return "NbdExport{" + name + ", " + sizeBytes + " B}";
    }

    /** Validates everything in {@link #build()}; each problem is one line naming the value and the range. */
    public static final class Builder
    {
        private final String name;
        private final List<String> aliases = new ArrayList<>();
        private String description = "";
        private long sizeBytes = -1;
        private int minimumBlockBytes = 512;
        private int preferredBlockBytes = 4096;
        private int maxPayloadBytes = 1 << 22;
        private boolean readOnly;
        private BlockQueue queue;

        private Builder(final String name)
        {
            this.name = name;
        }

        public Builder alias(final String alias)
        {
            aliases.add(alias);
            return this;
        }

        public Builder description(final String description)
        {
            this.description = description;
            return this;
        }

        public Builder sizeBytes(final long sizeBytes)
        {
            this.sizeBytes = sizeBytes;
            return this;
        }

        /** Smallest addressable unit (the namespace's LBA size): a power of two, 1..65536. Default 512. */
        public Builder minimumBlockBytes(final int bytes)
        {
            this.minimumBlockBytes = bytes;
            return this;
        }

        /** A power of two, at least max(minimum, 512). Default 4096. */
        public Builder preferredBlockBytes(final int bytes)
        {
            this.preferredBlockBytes = bytes;
            return this;
        }

        /** Largest READ/WRITE payload, at least the preferred block size, at most 32 MiB. Default 4 MiB. */
        public Builder maxPayloadBytes(final int bytes)
        {
            this.maxPayloadBytes = bytes;
            return this;
        }

        public Builder readOnly(final boolean readOnly)
        {
            this.readOnly = readOnly;
            return this;
        }

        public Builder queue(final BlockQueue queue)
        {
            this.queue = queue;
            return this;
        }

        public NbdExport build()
        {
            checkName("export name", name);
            for (final String alias : aliases)
            {
                checkName("export alias", alias);
            }
            if (queue == null)
            {
                throw new IllegalArgumentException("export " + name + ": a block queue is required");
            }
            if (!isPowerOfTwo(minimumBlockBytes) || minimumBlockBytes > 65_536)
            {
                throw new IllegalArgumentException("export " + name + ": minimum block " + minimumBlockBytes
                    + " B: accepted a power of two 1..65536");
            }
            if (!isPowerOfTwo(preferredBlockBytes) || preferredBlockBytes < Math.max(minimumBlockBytes, 512))
            {
                throw new IllegalArgumentException("export " + name + ": preferred block " + preferredBlockBytes
                    + " B: accepted a power of two >= " + Math.max(minimumBlockBytes, 512));
            }
            if (maxPayloadBytes < preferredBlockBytes || maxPayloadBytes > NbdProtocol.DOS_PAYLOAD_FLOOR
                || maxPayloadBytes % minimumBlockBytes != 0)
            {
                throw new IllegalArgumentException("export " + name + ": max payload " + maxPayloadBytes
                    + " B: accepted a multiple of " + minimumBlockBytes + " in " + preferredBlockBytes + ".."
                    + NbdProtocol.DOS_PAYLOAD_FLOOR);
            }
            if (sizeBytes < 0 || sizeBytes % minimumBlockBytes != 0)
            {
                throw new IllegalArgumentException("export " + name + ": size " + sizeBytes
                    + " B: accepted a non-negative multiple of the minimum block " + minimumBlockBytes);
            }
            return new NbdExport(this);
        }

        private static boolean isPowerOfTwo(final int v)
        {
            return v > 0 && (v & (v - 1)) == 0;
        }

        private static void checkName(final String what, final String value)
        {
            if (value == null || value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > 256
                || value.indexOf('\0') >= 0)
            {
                throw new IllegalArgumentException(what + " '" + value + "': accepted 1..256 UTF-8 bytes without NUL");
            }
        }
    }
}
