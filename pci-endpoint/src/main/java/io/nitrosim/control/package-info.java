/**
 * The control-plane contract both sides of the PCI boundary share: EC2's error codes ({@link
 * io.nitrosim.control.Ec2Error}) and the exception that carries one ({@link io.nitrosim.control.Ec2Exception}).
 * The hypervisor, the cards' control models (VPC) and the EC2 Query API all refuse with the same table, so a
 * refusal reads the same in a scenario's error line and in an API's error XML.
 */
package io.nitrosim.control;
