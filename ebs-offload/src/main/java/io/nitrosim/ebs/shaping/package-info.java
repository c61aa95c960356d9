/**
 * EBS bandwidth shaping (DESIGN.md section 5) on top of {@code io.nitrosim.shaping}: per-instance EBS bytes and
 * IOPS limits shared by all volumes ({@link io.nitrosim.ebs.shaping.EbsShaping}), per-volume buckets
 * ({@link io.nitrosim.ebs.shaping.VolumeShaping}) and a gate that counts operations as AWS does
 * ({@link io.nitrosim.ebs.shaping.EbsIoGate}). Instance caps arrive as plain data
 * ({@link io.nitrosim.ebs.shaping.EbsInstanceCaps}); this module never imports the catalog.
 */
package io.nitrosim.ebs.shaping;
