/**
 * vCPUs as simulation agents running guest programs, and the interrupt router that turns a function's MSI
 * messages into interrupts on the right vCPU of the right instance.
 */
package io.nitrosim.hypervisor.vcpu;
