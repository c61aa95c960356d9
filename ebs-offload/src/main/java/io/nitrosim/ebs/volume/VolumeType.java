package io.nitrosim.ebs.volume;

/**
 * The EBS volume types of docs/sources.md section 5, with the size range each accepts and the I/O unit AWS counts
 * operations in.
 * <p>
 * Sizes (AWS EBS User Guide, "Amazon EBS volume types"): gp2/gp3 1 GiB..16 TiB, io1/io2 4 GiB..16 TiB,
 * st1/sc1 125 GiB..16 TiB. The I/O unit is 256 KiB for SSD types and 1 MiB for HDD types (see
 * {@link #opsFor(long)}).
 */
public enum VolumeType
{
    GP2("gp2", true, 1, 16_384),
    GP3("gp3", true, 1, 16_384),
    IO1("io1", true, 4, 16_384),
    IO2("io2", true, 4, 16_384),
    ST1("st1", false, 125, 16_384),
    SC1("sc1", false, 125, 16_384);

    /** SSD I/O unit: an I/O of up to 256 KiB counts one operation. */
    public static final int SSD_IO_UNIT_BYTES = 256 * 1024;
    /** HDD I/O unit: an I/O of up to 1 MiB counts one operation. */
    public static final int HDD_IO_UNIT_BYTES = 1024 * 1024;

    private static final String ACCEPTED = "gp2, gp3, io1, io2, st1, sc1";

    private final String apiName;
    private final boolean ssd;
    private final int minSizeGiB;
    private final int maxSizeGiB;

    VolumeType(final String apiName, final boolean ssd, final int minSizeGiB, final int maxSizeGiB)
    {
        this.apiName = apiName;
        this.ssd = ssd;
        this.minSizeGiB = minSizeGiB;
        this.maxSizeGiB = maxSizeGiB;
    }

    /** The name as the EC2 API spells it ("gp3"). */
    public String apiName()
    {
        return apiName;
    }

    public boolean isSsd()
    {
        return ssd;
    }

    public int minSizeGiB()
    {
        return minSizeGiB;
    }

    public int maxSizeGiB()
    {
        return maxSizeGiB;
    }

    /** Bytes one operation stands for: 256 KiB (SSD) or 1 MiB (HDD). */
    public int ioUnitBytes()
    {
        return ssd ? SSD_IO_UNIT_BYTES : HDD_IO_UNIT_BYTES;
    }

    /**
     * Operations an I/O of {@code bytes} counts against IOPS limits, as AWS counts them:
     * {@code ceil(bytes / unit)} with a unit of 256 KiB for SSD types and 1 MiB for st1/sc1. Any I/O from 1 byte
     * up to the unit counts one operation (there is no 16 KiB minimum); a 1 MiB I/O counts 4 on an SSD type and
     * 1 on an HDD type. A transfer of 0 bytes (flush) counts 0. Physically contiguous I/Os merge into one operation
     * up to the unit; the volume's {@code IoMerge} counts those, this the I/O on its own.
     */
    public long opsFor(final long bytes)
    {
        if (bytes <= 0)
        {
            return 0;
        }
        final long unit = ioUnitBytes();
        return (bytes + unit - 1) / unit;
    }

    /** The type with this API name; one-line error listing the accepted names otherwise. */
    public static VolumeType fromApiName(final String name)
    {
        for (final VolumeType type : values())
        {
            if (type.apiName.equals(name))
            {
                return type;
            }
        }
        throw new IllegalArgumentException("volume type \"" + name + "\" is unknown: accepted " + ACCEPTED);
    }

    @Override
    public String toString()
    {
        return apiName;
    }
}
