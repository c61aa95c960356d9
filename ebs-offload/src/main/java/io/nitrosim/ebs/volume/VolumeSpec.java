package io.nitrosim.ebs.volume;

import java.util.regex.Pattern;

/**
 * One EBS volume as created: id, type, size, performance and the device name it is attached as.
 * <p>
 * Built only through {@link Builder}, which validates everything in one place ({@link Builder#build()}) and
 * fills defaults (gp3 3000 IOPS / 125 MiB/s; gp2, st1 and sc1 IOPS follow from size and type). Each refusal is
 * one line naming the offending value and the accepted range, e.g.
 * {@code gp3 IOPS 20000 is out of range for a 100 GiB volume: accepted 3000..16000 (at most 500 IOPS per GiB,
 * 16000 max)}.
 */
public final class VolumeSpec
{
    /** Accepted device names: /dev/sd[a-z] or /dev/xvd[a-z], optionally followed by one more letter. */
    public static final Pattern DEVICE_NAME = Pattern.compile("/dev/(sd|xvd)[a-z][a-z]?");
    private static final String DEVICE_NAME_ACCEPTED =
        "accepted /dev/sd[a-z] or /dev/xvd[a-z], optionally followed by one more letter (e.g. /dev/sdf)";

    public static final int GP3_BASELINE_IOPS = 3000;
    public static final int GP3_MAX_IOPS = 16_000;
    public static final int GP3_MAX_IOPS_PER_GIB = 500;
    public static final int GP3_BASELINE_THROUGHPUT_MIBPS = 125;
    public static final int GP3_MAX_THROUGHPUT_MIBPS = 1000;
    public static final int PIOPS_MIN_IOPS = 100;
    public static final int PIOPS_MAX_IOPS = 64_000;
    public static final int IO1_MAX_IOPS_PER_GIB = 50;
    public static final int IO2_MAX_IOPS_PER_GIB = 500;
    public static final int ST1_IOPS = 500;
    public static final int SC1_IOPS = 250;

    private final VolumeId volumeId;
    private final VolumeType type;
    private final int sizeGiB;
    private final int iops;
    private final int throughputMiBps;
    private final String deviceName;
    private final VolumeLimits limits;

    private VolumeSpec(
        final VolumeId volumeId,
        final VolumeType type,
        final int sizeGiB,
        final int iops,
        final int throughputMiBps,
        final String deviceName)
    {
        this.volumeId = volumeId;
        this.type = type;
        this.sizeGiB = sizeGiB;
        this.iops = iops;
        this.throughputMiBps = throughputMiBps;
        this.deviceName = deviceName;
        this.limits = VolumeLimits.of(this);
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public VolumeId volumeId()
    {
        return volumeId;
    }

    public VolumeType type()
    {
        return type;
    }

    public int sizeGiB()
    {
        return sizeGiB;
    }

    public long sizeBytes()
    {
        return (long)sizeGiB << 30;
    }

    /**
     * Effective IOPS: provisioned for gp3/io1/io2, the 3-per-GiB baseline for gp2, the fixed 500 / 250 for
     * st1 / sc1.
     */
    public int iops()
    {
        return iops;
    }

    /** Provisioned throughput for gp3; 0 for other types, whose throughput follows size or IOPS (see limits). */
    public int throughputMiBps()
    {
        return throughputMiBps;
    }

    /** Block-device-mapping name ("/dev/sdf"), reported in Identify Controller's vendor area. */
    public String deviceName()
    {
        return deviceName;
    }

    public VolumeLimits limits()
    {
        return limits;
    }

    @Override
    public String toString()
    {
        return "VolumeSpec{" + volumeId + ' ' + type + ' ' + sizeGiB + " GiB, " + iops + " IOPS" +
            (type == VolumeType.GP3 ? ", " + throughputMiBps + " MiB/s" : "") + ", " + deviceName + '}';
    }

    /** Collects a volume's parameters; {@link #build()} validates them all. */
    public static final class Builder
    {
        private String volumeId;
        private VolumeType type;
        private int sizeGiB;
        private boolean iopsSet;
        private int iops;
        private boolean throughputSet;
        private int throughputMiBps;
        private String deviceName;

        private Builder()
        {
        }

        public Builder volumeId(final String volumeId)
        {
            this.volumeId = volumeId;
            return this;
        }

        public Builder type(final VolumeType type)
        {
            this.type = type;
            return this;
        }

        /** By EC2 API name ("gp3"); an unknown name is refused here with the accepted list. */
        public Builder type(final String apiName)
        {
            this.type = VolumeType.fromApiName(apiName);
            return this;
        }

        public Builder sizeGiB(final int sizeGiB)
        {
            this.sizeGiB = sizeGiB;
            return this;
        }

        /** Provisioned IOPS (gp3, io1, io2 only). */
        public Builder iops(final int iops)
        {
            this.iops = iops;
            this.iopsSet = true;
            return this;
        }

        /** Provisioned throughput in MiB/s (gp3 only). */
        public Builder throughputMiBps(final int throughputMiBps)
        {
            this.throughputMiBps = throughputMiBps;
            this.throughputSet = true;
            return this;
        }

        public Builder deviceName(final String deviceName)
        {
            this.deviceName = deviceName;
            return this;
        }

        /** Validates every field (the one place volumes are checked) and builds the spec. */
        public VolumeSpec build()
        {
            final VolumeId id = VolumeId.parse(volumeId);
            if (type == null)
            {
                throw new IllegalArgumentException("volume type is missing: accepted gp2, gp3, io1, io2, st1, sc1");
            }
            if (sizeGiB < type.minSizeGiB() || sizeGiB > type.maxSizeGiB())
            {
                throw new IllegalArgumentException(type + " volume size " + sizeGiB + " GiB is out of range: accepted "
                    + type.minSizeGiB() + ".." + type.maxSizeGiB() + " GiB");
            }
            final int effectiveIops = validateIops();
            final int effectiveThroughput = validateThroughput(effectiveIops);
            if (deviceName == null || !DEVICE_NAME.matcher(deviceName).matches())
            {
                throw new IllegalArgumentException(
                    "device name " + (deviceName == null ? "(missing)" : "\"" + deviceName + "\"") + " is invalid: "
                    + DEVICE_NAME_ACCEPTED);
            }
            return new VolumeSpec(id, type, sizeGiB, effectiveIops, effectiveThroughput, deviceName);
        }

        private int validateIops()
        {
            switch (type)
            {
                case GP2:
                    refuseIops("baseline 3 IOPS per GiB, 100..16000");
                    return (int)VolumeLimits.gp2BaselineIops(sizeGiB);
                case ST1:
                    refuseIops("fixed at " + ST1_IOPS + " IOPS of 1 MiB");
                    return ST1_IOPS;
                case SC1:
                    refuseIops("fixed at " + SC1_IOPS + " IOPS of 1 MiB");
                    return SC1_IOPS;
                case GP3:
                {
                    final long max = Math.max(GP3_BASELINE_IOPS,
                        Math.min(GP3_MAX_IOPS, (long)GP3_MAX_IOPS_PER_GIB * sizeGiB));
                    final int value = iopsSet ? iops : GP3_BASELINE_IOPS;
                    checkIops(value, GP3_BASELINE_IOPS, max, GP3_MAX_IOPS_PER_GIB, GP3_MAX_IOPS);
                    return value;
                }
                case IO1:
                case IO2:
                {
                    final int perGiB = type == VolumeType.IO1 ? IO1_MAX_IOPS_PER_GIB : IO2_MAX_IOPS_PER_GIB;
                    final long max = Math.min(PIOPS_MAX_IOPS, (long)perGiB * sizeGiB);
                    if (!iopsSet)
                    {
                        throw new IllegalArgumentException(type + " IOPS must be provisioned for a " + sizeGiB
                            + " GiB volume: accepted " + PIOPS_MIN_IOPS + ".." + max + " (at most " + perGiB
                            + " IOPS per GiB, " + PIOPS_MAX_IOPS + " max)");
                    }
                    checkIops(iops, PIOPS_MIN_IOPS, max, perGiB, PIOPS_MAX_IOPS);
                    return iops;
                }
                default:
                    throw new IllegalStateException("unhandled volume type " + type);
            }
        }

        private void refuseIops(final String rule)
        {
            if (iopsSet)
            {
                throw new IllegalArgumentException(
                    type + " IOPS are not provisionable (" + rule + "), got " + iops);
            }
        }

        private void checkIops(final long value, final long min, final long max, final int perGiB, final int cap)
        {
            if (value < min || value > max)
            {
                throw new IllegalArgumentException(type + " IOPS " + value + " is out of range for a " + sizeGiB
                    + " GiB volume: accepted " + min + ".." + max + " (at most " + perGiB + " IOPS per GiB, " + cap
                    + " max)");
            }
        }

        private int validateThroughput(final int effectiveIops)
        {
            if (type != VolumeType.GP3)
            {
                if (throughputSet)
                {
                    final String follows = type == VolumeType.IO1 || type == VolumeType.IO2 ? "IOPS" : "size";
                    throw new IllegalArgumentException(type + " throughput is not provisionable (it follows " + follows
                        + "), got " + throughputMiBps + " MiB/s");
                }
                return 0;
            }
            final int value = throughputSet ? throughputMiBps : GP3_BASELINE_THROUGHPUT_MIBPS;
            final int max = Math.min(GP3_MAX_THROUGHPUT_MIBPS, effectiveIops / 4); // 0.25 MiB/s per IOPS
            if (value < GP3_BASELINE_THROUGHPUT_MIBPS || value > max)
            {
                throw new IllegalArgumentException("gp3 throughput " + value + " MiB/s is out of range for "
                    + effectiveIops + " IOPS: accepted " + GP3_BASELINE_THROUGHPUT_MIBPS + ".." + max
                    + " MiB/s (at most 0.25 MiB/s per IOPS, " + GP3_MAX_THROUGHPUT_MIBPS + " max)");
            }
            return value;
        }
    }
}
