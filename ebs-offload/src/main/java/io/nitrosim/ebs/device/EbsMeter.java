package io.nitrosim.ebs.device;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/**
 * The EBS devices' meters: each NVMe controller's and its guest driver's (tags {@code instance, volume}) and the
 * card's own (tag {@code instance}). The shaping meters are {@link io.nitrosim.ebs.shaping.EbsShapingMeter}; the controllers' PCI
 * function and shaped-ring meters are {@code PciMeter} and {@code RingMeter}.
 */
public enum EbsMeter implements MeterDescriptor
{
    READ_OPS(volume("ebs.read.ops", "Read commands completed successfully")),
    READ_BYTES(volume("ebs.read.bytes", "Bytes of the read commands completed successfully")),
    WRITE_OPS(volume("ebs.write.ops", "Write commands completed successfully")),
    WRITE_BYTES(volume("ebs.write.bytes", "Bytes of the write commands completed successfully")),
    FLUSH_OPS(volume("ebs.flush.ops", "Flush commands completed successfully")),
    TRIM_OPS(volume("ebs.trim.ops", "Dataset management (deallocate) commands completed successfully")),
    IO_ERRORS(volume("ebs.io.errors", "I/O commands completed with an error status")),
    ADMIN_COMMANDS(volume("ebs.admin.commands", "Admin commands executed")),
    DOORBELL_INVALID(volume("ebs.doorbell.invalid",
        "Doorbell writes for a queue that does not exist (or a disabled controller) or with a value out of range")),
    CONTROLLER_FATAL(volume("ebs.controller.fatal", "Times the controller entered its fatal state (CSTS.CFS)")),
    DRIVER_TIMEOUTS(volume("ebs.driver.timeouts",
        "Commands the guest's NVMe driver saw time out (each acted on: an Abort, a re-armed timer or a reset)")),
    DRIVER_ABORTS(volume("ebs.driver.aborts", "Abort commands the guest's NVMe driver sent for timed-out commands")),
    DRIVER_RESETS(volume("ebs.driver.resets", "Controller resets the guest's NVMe driver started to recover")),
    DRIVER_RETRIES(volume("ebs.driver.retries",
        "I/O commands the guest's NVMe driver submitted again after an error status without DNR")),
    DRIVER_RESUBMITTED(volume("ebs.driver.resubmitted",
        "I/O commands the guest's NVMe driver submitted again after a controller reset")),
    DRIVER_FAILED(volume("ebs.driver.failed",
        "I/O commands the guest's NVMe driver completed to its caller with an error status")),
    QUEUE_DEPTH(MeterSpec.gauge("ebs.queue.depth", "Commands fetched and not yet completed", "instance", "volume")),
    BACKEND_ERRORS(MeterSpec.counter("ebs.backend.errors", "Storage backend requests that failed", "instance"));

    private final MeterSpec spec;

    EbsMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    private static MeterSpec volume(final String name, final String help)
    {
        return MeterSpec.counter(name, help, "instance", "volume");
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
