/**
 * The minimal hypervisor (docs/hypervisor.md): a host of 72 hardware threads and configurable memory,
 * placement without overcommit, EC2 instance lifecycle, guest memory, IOMMU domains, a PCI bus per instance,
 * interrupt routing and vCPU agents running guest programs. It partitions CPU and memory and does nothing
 * else: all I/O goes through PCI functions it only attaches ({@link io.nitrosim.pci.PciEndpoint}).
 * See docs/hypervisor.md.
 */
package io.nitrosim.hypervisor;
