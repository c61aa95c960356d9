package io.nitrosim.hypervisor.pci;

import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.pci.FunctionAccess;

/**
 * A guest driver's view of the function at one address of its instance's bus: configuration space and BAR MMIO
 * routed by the bus, as a CPU's accesses are. An empty slot answers like a PCI master abort (reads all ones,
 * writes discarded), so a driver whose function was detached sees a dead device, never another instance's.
 */
public final class SlotFunctionAccess implements FunctionAccess
{
    private final PciBus bus;
    private final PciAddress address;

    public SlotFunctionAccess(final PciBus bus, final PciAddress address)
    {
        if (bus == null || address == null)
        {
            throw new IllegalArgumentException("slot access needs a bus and an address, got " + bus + ", " + address);
        }
        this.bus = bus;
        this.address = address;
    }

    public PciAddress address()
    {
        return address;
    }

    @Override
    public int configRead(final int offset, final int sizeBytes)
    {
        return bus.configRead(address, offset, sizeBytes);
    }

    @Override
    public void configWrite(final int offset, final int sizeBytes, final int value)
    {
        bus.configWrite(address, offset, sizeBytes, value);
    }

    @Override
    public long mmioRead(final int barIndex, final long offset, final int sizeBytes)
    {
        return bus.mmioRead(address, barIndex, offset, sizeBytes);
    }

    @Override
    public void mmioWrite(final int barIndex, final long offset, final int sizeBytes, final long value)
    {
        bus.mmioWrite(address, barIndex, offset, sizeBytes, value);
    }

    @Override
    public String toString()
    {
        return "SlotFunctionAccess{" + address + "}";
    }
}
