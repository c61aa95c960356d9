/**
 * Memory: the host's physical memory map (which instance owns which range), guest memory backed by sparse
 * memory-mapped files, and the IOMMU domain through which functions reach one instance's memory.
 */
package io.nitrosim.hypervisor.memory;
