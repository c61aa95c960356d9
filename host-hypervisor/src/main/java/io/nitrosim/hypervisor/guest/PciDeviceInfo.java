package io.nitrosim.hypervisor.guest;

/**
 * One function found by enumeration, as its configuration space reports it.
 *
 * @param classCode 24-bit class code (base class, subclass, programming interface), e.g. 0x010802 for NVMe
 */
public record PciDeviceInfo(PciAddress address, int vendorId, int deviceId, int classCode)
{
    /** lspci -n style: "00:04.0 010802: 1d0f:8061". */
    @Override
    public String toString()
    {
        return String.format("%s %06x: %04x:%04x", address, classCode, vendorId, deviceId);
    }
}
