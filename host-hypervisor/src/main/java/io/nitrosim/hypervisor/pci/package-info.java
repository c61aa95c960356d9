/**
 * An instance's PCI bus: slots holding attached functions at lspci addresses, and the configuration space and
 * MMIO paths a guest driver uses to reach them.
 */
package io.nitrosim.hypervisor.pci;
