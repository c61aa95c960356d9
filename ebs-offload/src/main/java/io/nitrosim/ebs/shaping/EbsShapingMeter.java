package io.nitrosim.ebs.shaping;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/**
 * The EBS shaping meters of one instance (tag {@code instance}) and its volumes (tags {@code instance, volume}).
 * Throttle counters count each I/O once per counter, the first time a bucket of theirs holds it; balances are
 * the CloudWatch balance metrics in parts per million (EBSIOBalance% x 10^4 and so on).
 */
public enum EbsShapingMeter implements MeterDescriptor
{
    INSTANCE_THROTTLED_OPS(MeterSpec.counter("ebs.instance.throttled.ops",
        "Operations (AWS I/O units) of the I/Os held back by the instance's EBS bytes or IOPS bucket", "instance")),
    INSTANCE_THROTTLED_BYTES(MeterSpec.counter("ebs.instance.throttled.bytes",
        "Bytes of the I/Os held back by the instance's EBS bytes or IOPS bucket", "instance")),
    VOLUME_THROTTLED_OPS(MeterSpec.counter("ebs.throttled.ops",
        "Operations (AWS I/O units) of the I/Os held back by the volume's own buckets", "instance", "volume")),
    VOLUME_THROTTLED_BYTES(MeterSpec.counter("ebs.throttled.bytes",
        "Bytes of the I/Os held back by the volume's own buckets", "instance", "volume")),
    IO_BALANCE(MeterSpec.gauge("ebs.io_balance.ppm",
        "The instance's EBS IOPS credit balance (EBSIOBalance%) in parts per million", "instance")),
    BYTE_BALANCE(MeterSpec.gauge("ebs.byte_balance.ppm",
        "The instance's EBS throughput credit balance (EBSByteBalance%) in parts per million", "instance")),
    BURST_BALANCE(MeterSpec.gauge("ebs.volume.burst_balance.ppm",
        "The volume's burst balance (BurstBalance%: gp2 I/O credits, st1/sc1 throughput credits) in parts per million",
        "instance", "volume"));

    private final MeterSpec spec;

    EbsShapingMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
