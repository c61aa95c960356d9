package io.nitrosim.pci;

import io.nitrosim.time.SimAgent;

/**
 * The host's view of one PCI function, the only thing the hypervisor and a card share (docs/architecture.md).
 * <p>
 * The host reads and writes configuration space and BARs at offsets; a function never learns where its BARs
 * were placed. At attach the host connects the function to its instance's IOMMU domain and interrupt router;
 * the function's device logic runs as {@link #agent()}.
 */
public interface PciEndpoint
{
    int vendorId();

    int deviceId();

    /** 24-bit class code: base class, subclass, programming interface (e.g. 0x010802 for NVMe). */
    int classCode();

    /** Configuration space read of 1, 2 or 4 bytes at {@code offset} (0..4095), naturally aligned. */
    int configRead(int offset, int sizeBytes);

    /** Configuration space write; read-only bits are kept as they are. */
    void configWrite(int offset, int sizeBytes, int value);

    /** MMIO read of 4 or 8 bytes at {@code offset} within BAR {@code barIndex}. */
    long mmioRead(int barIndex, long offset, int sizeBytes);

    /** MMIO write of 4 or 8 bytes at {@code offset} within BAR {@code barIndex}. */
    void mmioWrite(int barIndex, long offset, int sizeBytes, long value);

    /** Connects the function to its instance: DMA through {@code dma}, MSI-X messages to {@code msi}. */
    void connect(DmaWindow dma, MsiSink msi);

    /** Disconnects it (detach): further DMA is refused and interrupts go nowhere. */
    void disconnect();

    /** Function-level reset: registers return to their reset values. */
    void functionLevelReset();

    /** The device logic; the host adds it to the runtime at attach and removes it at detach. */
    SimAgent agent();
}
