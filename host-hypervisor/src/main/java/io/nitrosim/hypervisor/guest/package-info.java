/**
 * What a guest program sees of its machine: its vCPU context, its guest-physical memory and the PCI functions
 * on its bus. Depends only on Agrona and {@code io.nitrosim.time}, never on the hypervisor's internals, so the
 * card modules' reference drivers could be written against it if this package moves to pci-endpoint.
 */
package io.nitrosim.hypervisor.guest;
