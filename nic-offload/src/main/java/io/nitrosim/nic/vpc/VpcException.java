package io.nitrosim.nic.vpc;

/**
 * A rejected VPC control-plane request: one line naming the offending value and what is accepted, plus an
 * EC2-style error code so an API front end can return it as EC2 would.
 */
public final class VpcException extends IllegalArgumentException
{
    public static final String INVALID_PARAMETER_VALUE = "InvalidParameterValue";
    public static final String INVALID_VPC_RANGE = "InvalidVpc.Range";
    public static final String INVALID_SUBNET_RANGE = "InvalidSubnet.Range";
    public static final String INVALID_SUBNET_CONFLICT = "InvalidSubnet.Conflict";
    public static final String IP_IN_USE = "InvalidIPAddress.InUse";
    public static final String INSUFFICIENT_ADDRESSES = "InsufficientFreeAddressesInSubnet";
    public static final String PRIVATE_IP_LIMIT_EXCEEDED = "PrivateIpAddressLimitExceeded";
    public static final String ATTACHMENT_LIMIT_EXCEEDED = "AttachmentLimitExceeded";
    public static final String ENI_IN_USE = "InvalidNetworkInterface.InUse";
    public static final String SG_LIMIT_EXCEEDED = "SecurityGroupsPerInterfaceLimitExceeded";
    public static final String PERMISSION_DUPLICATE = "InvalidPermission.Duplicate";
    public static final String PERMISSION_MALFORMED = "InvalidPermission.Malformed";
    public static final String PERMISSION_NOT_FOUND = "InvalidPermission.NotFound";
    public static final String PEERING_OVERLAP = "InvalidVpcPeeringConnection.OverlappingCidr";
    public static final String NOT_FOUND = "NotFound";
    public static final String DUPLICATE = "Duplicate";

    private static final long serialVersionUID = 1L;

    private final String code;

    public VpcException(final String code, final String message)
    {
        super(message);
        this.code = code;
    }

    /** EC2-style error code (InvalidSubnet.Conflict, PrivateIpAddressLimitExceeded, ...). */
    public String code()
    {
        return code;
    }
}
