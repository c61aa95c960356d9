package io.nitrosim.hypervisor.guest;

import java.util.List;

import org.agrona.concurrent.NanoClock;

/**
 * The machine as seen from one vCPU: time, guest-physical memory, and the PCI functions of its own instance
 * reached through configuration space and BAR MMIO, as a driver reaches them. Nothing here can name another
 * instance's memory or devices.
 * <p>
 * Accesses to an empty slot behave like a PCI master abort: reads return all ones, writes are discarded.
 * Valid only on the vCPU's own thread, while the program runs.
 */
public interface GuestContext
{
    NanoClock clock();

    /** Shorthand for {@code clock().nanoTime()}. */
    default long nowNs()
    {
        return clock().nanoTime();
    }

    String instanceId();

    /** This vCPU's index, 0..vcpuCount()-1. */
    int vcpuIndex();

    /** This vCPU's local APIC id, the destination an MSI message names (equal to the index here). */
    int apicId();

    int vcpuCount();

    /** This instance's guest-physical memory, addresses 0 .. memory().sizeBytes()-1. */
    GuestMemory memory();

    /** The functions on the bus in device-number order, read from their configuration space (like lspci). */
    List<PciDeviceInfo> enumerateDevices();

    /** Configuration space read of 1, 2 or 4 bytes; all ones when no function answers at {@code address}. */
    int configRead(PciAddress address, int offset, int sizeBytes);

    void configWrite(PciAddress address, int offset, int sizeBytes, int value);

    /** MMIO read of 4 or 8 bytes within BAR {@code barIndex}; all ones when no function answers. */
    long mmioRead(PciAddress address, int barIndex, long offset, int sizeBytes);

    void mmioWrite(PciAddress address, int barIndex, long offset, int sizeBytes, long value);

    /** While disabled (x86 IF clear) interrupts stay pending and are delivered once enabled again. */
    void setInterruptsEnabled(boolean enabled);

    boolean interruptsEnabled();
}
