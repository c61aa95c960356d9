package io.nitrosim.pci;

/**
 * Where a function's MSI-X messages go: the hypervisor's interrupt router implements this. A message is the
 * (address, data) pair the guest programmed into the function's MSI-X table entry, as on a real bus:
 * x86 layout, address 0xFEE0_0000 | (destination APIC id &lt;&lt; 12), data bits 7:0 = vector.
 */
@FunctionalInterface
public interface MsiSink
{
    void deliver(long messageAddress, int messageData);
}
