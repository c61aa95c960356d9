/**
 * EBS volumes as plain data: {@link io.nitrosim.ebs.volume.VolumeId}, {@link io.nitrosim.ebs.volume.VolumeType},
 * {@link io.nitrosim.ebs.volume.VolumeSpec} (validated in one place), the limits that follow from a spec
 * ({@link io.nitrosim.ebs.volume.VolumeLimits}, docs/sources.md section 5) and the per-type service latency model
 * ({@link io.nitrosim.ebs.volume.ServiceLatencyModel}).
 */
package io.nitrosim.ebs.volume;
