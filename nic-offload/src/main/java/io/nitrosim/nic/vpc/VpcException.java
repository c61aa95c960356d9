package io.nitrosim.nic.vpc;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;

/**
 * A rejected VPC control-plane request: one line naming the offending value and what is accepted, with the EC2
 * error it is (the message names the code), so the EC2 Query API returns it as EC2 would.
 */
public final class VpcException extends Ec2Exception
{
    public static final String INVALID_PARAMETER_VALUE = Ec2Error.INVALID_PARAMETER_VALUE.code();
    public static final String INVALID_VPC_RANGE = Ec2Error.INVALID_VPC_RANGE.code();
    public static final String INVALID_SUBNET_RANGE = Ec2Error.INVALID_SUBNET_RANGE.code();
    public static final String INVALID_SUBNET_CONFLICT = Ec2Error.INVALID_SUBNET_CONFLICT.code();
    public static final String IP_IN_USE = Ec2Error.INVALID_IP_ADDRESS_IN_USE.code();
    public static final String INSUFFICIENT_ADDRESSES = Ec2Error.INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET.code();
    public static final String PRIVATE_IP_LIMIT_EXCEEDED = Ec2Error.PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED.code();
    public static final String ATTACHMENT_LIMIT_EXCEEDED = Ec2Error.ATTACHMENT_LIMIT_EXCEEDED.code();
    public static final String ENI_IN_USE = Ec2Error.INVALID_NETWORK_INTERFACE_IN_USE.code();
    public static final String SG_LIMIT_EXCEEDED = Ec2Error.SECURITY_GROUPS_PER_INTERFACE_LIMIT_EXCEEDED.code();
    public static final String PERMISSION_DUPLICATE = Ec2Error.INVALID_PERMISSION_DUPLICATE.code();
    public static final String PERMISSION_MALFORMED = Ec2Error.INVALID_PERMISSION_MALFORMED.code();
    public static final String PERMISSION_NOT_FOUND = Ec2Error.INVALID_PERMISSION_NOT_FOUND.code();
    /** EC2 refuses peering VPCs whose CIDRs overlap as an invalid parameter value. */
    public static final String PEERING_OVERLAP = Ec2Error.INVALID_PARAMETER_VALUE.code();
    public static final String DUPLICATE = Ec2Error.VPC_PEERING_CONNECTION_ALREADY_EXISTS.code();

    private static final long serialVersionUID = 1L;

    /** @param code an EC2 error code of {@link Ec2Error}'s table. */
    public VpcException(final String code, final String message)
    {
        super(Ec2Error.of(code), message);
    }

    public VpcException(final Ec2Error error, final String message)
    {
        super(error, message);
    }
}
