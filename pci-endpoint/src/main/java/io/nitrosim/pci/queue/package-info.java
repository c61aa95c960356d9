/**
 * The device mechanics every card and every reference driver share, written once (rust-vmm's
 * {@code virtio-queue} is the model: one ring library under every device):
 * <ul>
 *   <li>guest ring positions and phase tags ({@link io.nitrosim.pci.queue.RingPosition}, numbered as ENA's 16-bit
 *       running counters or as NVMe's slot indexes, {@link io.nitrosim.pci.queue.RingNumbering});</li>
 *   <li>the device side of guest queues: fetching submission entries and descriptors by DMA
 *       ({@link io.nitrosim.pci.queue.SubmissionQueueReader}) and posting completions
 *       ({@link io.nitrosim.pci.queue.CompletionQueueWriter});</li>
 *   <li>the driver side: writing entries and ringing doorbells
 *       ({@link io.nitrosim.pci.queue.SubmissionQueueWriter}), reaping completions by phase tag
 *       ({@link io.nitrosim.pci.queue.CompletionQueueReader}, the tag located by a
 *       {@link io.nitrosim.pci.queue.PhaseTag});</li>
 *   <li>MSI-X vectors a device raises once per pass, optionally one-shot until the driver re-arms them
 *       ({@link io.nitrosim.pci.queue.InterruptVectors});</li>
 *   <li>the bounded hand-off from a card's agent to a function's agent
 *       ({@link io.nitrosim.pci.queue.HandoffRing}, records of a {@link io.nitrosim.pci.queue.HandoffLayout} read
 *       through {@link io.nitrosim.pci.queue.HandoffRecord});</li>
 *   <li>a driver's PCI bring-up: memory space, bus master and the MSI-X table
 *       ({@link io.nitrosim.pci.queue.FunctionSetup}).</li>
 * </ul>
 * Guest-visible entry layouts stay with each device's flyweights; this package moves whole entries and knows only
 * where an entry keeps its phase tag.
 */
package io.nitrosim.pci.queue;
