/**
 * NVMe data structures as flyweights over Agrona buffers, with *_OFFSET constants and the bit layouts in their
 * Javadoc (offsets checked against the NVMe Base Specification as mirrored by Linux include/linux/nvme.h), for
 * the EBS controller model and its reference driver.
 */
package io.nitrosim.ebs.nvme;
