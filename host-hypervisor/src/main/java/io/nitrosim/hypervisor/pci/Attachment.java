package io.nitrosim.hypervisor.pci;

import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.pci.PciEndpoint;

/**
 * One function attached to an instance.
 *
 * @param attachmentId the ENI or volume id ("eni-...", "vol-..."), unique on the host
 * @param kind         what the function stands for
 * @param address      where the guest finds it on its bus
 * @param endpoint     the function itself
 */
public record Attachment(String attachmentId, AttachmentKind kind, PciAddress address, PciEndpoint endpoint)
{
    @Override
    public String toString()
    {
        return attachmentId + " " + kind + " at " + address;
    }
}
