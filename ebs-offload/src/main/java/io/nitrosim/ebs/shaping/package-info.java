/**
 * EBS bandwidth shaping on top of {@code io.nitrosim.shaping}: per-instance EBS bytes and IOPS limits shared by all
 * volumes ({@link io.nitrosim.ebs.shaping.EbsShaping}), per-volume buckets and the gate that applies both, counting
 * operations as AWS does ({@link io.nitrosim.ebs.shaping.VolumeShaping}), and their meters
 * ({@link io.nitrosim.ebs.shaping.EbsShapingMeter}). Instance caps arrive as plain data
 * ({@link io.nitrosim.ebs.shaping.EbsInstanceCaps}); this module never imports the catalog.
 */
package io.nitrosim.ebs.shaping;
