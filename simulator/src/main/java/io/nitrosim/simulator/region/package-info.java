/**
 * A long-running real-time region: hosts, the VPC model with one VPC card per host, EBS cards and the storage
 * engine, changed while it runs by commands executed on the runtime's thread ({@link
 * io.nitrosim.simulator.region.Region#submit}). What the EC2 API drives.
 */
package io.nitrosim.simulator.region;
