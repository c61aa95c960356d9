package io.nitrosim.hypervisor;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/** The hypervisor's meters of one instance: its IOMMU domain, its interrupt routing and its vCPUs. */
public enum HostMeter implements MeterDescriptor
{
    IOMMU_REFUSED(MeterSpec.counter("iommu.refused",
        "Device accesses refused because a byte lay outside the instance's memory", "instance")),
    IOMMU_READ_BYTES(MeterSpec.counter("iommu.read.bytes",
        "Bytes devices read from the instance's memory", "instance")),
    IOMMU_WRITTEN_BYTES(MeterSpec.counter("iommu.written.bytes",
        "Bytes devices wrote to the instance's memory", "instance")),
    MSI_ROUTED(MeterSpec.counter("msi.routed", "MSI messages routed to one of the instance's vCPUs", "instance")),
    MSI_DROPPED(MeterSpec.counter("msi.dropped",
        "MSI messages dropped, by reason: bad-address, unknown-apic-id, detached", "instance", "reason")),
    MSI_COALESCED(MeterSpec.counter("msi.coalesced",
        "Interrupts merged with an already pending one of the same vector", "instance")),
    MSI_LOST(MeterSpec.counter("msi.lost", "Interrupts lost because a vCPU's interrupt ring was full", "instance")),
    VCPU_INTERRUPTS(MeterSpec.counter("vcpu.interrupts",
        "Interrupts handed to the program running on the vCPU", "instance", "vcpu"));

    private final MeterSpec spec;

    HostMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
