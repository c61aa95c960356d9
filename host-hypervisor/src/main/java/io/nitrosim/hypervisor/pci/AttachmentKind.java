package io.nitrosim.hypervisor.pci;

/** What an attached PCI function stands for in EC2 terms; both count toward the 28-attachment limit. */
public enum AttachmentKind
{
    /** An ENI, presented by the VPC card as an ENA function. */
    NETWORK_INTERFACE,
    /** An EBS volume, presented by the EBS card as an NVMe function. */
    EBS_VOLUME
}
