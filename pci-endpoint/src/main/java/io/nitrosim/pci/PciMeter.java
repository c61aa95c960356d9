package io.nitrosim.pci;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/**
 * The meters of every {@link PciFunction} built with a registry: its doorbells, MSI-X and DMA port. Tagged with
 * the function's owner: {@code instance} and {@code eni} for an ENA function, {@code volume} for an NVMe
 * controller.
 */
public enum PciMeter implements MeterDescriptor
{
    MMIO_IGNORED(counter("pci.mmio.ignored", "MMIO accesses ignored because memory space was disabled")),
    ACCESS_INVALID(counter("pci.access.invalid",
        "Malformed config or MMIO accesses (size, alignment, BAR or offset), answered with all-ones or ignored")),
    DOORBELLS(counter("pci.doorbells", "Doorbell writes queued for the device")),
    DOORBELL_OVERFLOWS(counter("pci.doorbell.overflows", "Doorbell writes that found the doorbell ring full")),
    DOORBELLS_DISCARDED(counter("pci.doorbells.discarded",
        "Doorbells written before a function level reset and discarded unprocessed")),
    DOORBELLS_COALESCED(counter("pci.doorbells.coalesced",
        "Queued doorbell records skipped because a newer value of the same register was already delivered")),
    FUNCTION_RESETS(counter("pci.function.resets", "Function level resets")),
    MSIX_DELIVERED(counter("pci.msix.delivered", "MSI-X messages delivered to the host")),
    MSIX_PENDED(counter("pci.msix.pended", "Interrupts left pending because their vector or the function was masked")),
    MSIX_SUPPRESSED(counter("pci.msix.suppressed",
        "Interrupts not sent: MSI-X disabled, an invalid vector, or no host connected")),
    DMA_REFUSED_BUS_MASTER(counter("pci.dma.refused.bus_master", "DMA refused: bus mastering disabled")),
    DMA_REFUSED_NOT_CONNECTED(counter("pci.dma.refused.not_connected", "DMA refused: the function is not plugged in")),
    DMA_REFUSED_WINDOW(counter("pci.dma.refused.window", "DMA refused by the instance's IOMMU window")),
    DMA_REFUSED_OVERFLOW(counter("pci.dma.refused.overflow", "DMA refused: address plus length overflows")),
    DMA_READ_BYTES(counter("pci.dma.read.bytes", "Bytes the device read from guest memory")),
    DMA_WRITTEN_BYTES(counter("pci.dma.written.bytes", "Bytes the device wrote to guest memory"));

    private final MeterSpec spec;

    PciMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    private static MeterSpec counter(final String name, final String help)
    {
        return MeterSpec.counter(name, help, "instance", "eni|volume");
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
