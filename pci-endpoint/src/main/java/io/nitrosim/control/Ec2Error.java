package io.nitrosim.control;

import java.util.HashMap;
import java.util.Map;

/**
 * The EC2 errors nitro-sim returns: code, HTTP status and EC2's description, as listed in the EC2 API Reference
 * page "Error codes for the Amazon EC2 API" (docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html).
 * Client errors come with a 400-series status, server errors with a 500-series one. A few statuses the page does
 * not give are those AWS returns for its common errors (AuthFailure 401, MissingAuthenticationToken 403,
 * MalformedQueryString 404, DryRunOperation 412). Two entries are HTTP-level answers of this simulator with no
 * EC2 counterpart: {@link #METHOD_NOT_ALLOWED} and {@link #REQUEST_ENTITY_TOO_LARGE}.
 * <p>
 * One table serves the hypervisor's refusals, the VPC model's and the EC2 Query API's error responses.
 */
public enum Ec2Error
{
    // ---- common client errors ----
    AUTH_FAILURE("AuthFailure", 401, "AWS was not able to validate the provided access credentials"),
    DRY_RUN_OPERATION("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set."),
    INCOMPLETE_SIGNATURE("IncompleteSignature", 400, "The request signature does not conform to AWS standards."),
    INVALID_ACTION("InvalidAction", 400,
        "The action or operation requested is not valid. Verify that the action is typed correctly."),
    INVALID_PAGINATION_TOKEN("InvalidPaginationToken", 400, "The specified pagination token is not valid or is expired."),
    INVALID_PARAMETER("InvalidParameter", 400, "A parameter specified in a request is not valid, is unsupported, "
        + "or cannot be used. The returned message provides an explanation of the error value."),
    INVALID_PARAMETER_COMBINATION("InvalidParameterCombination", 400,
        "Indicates an incorrect combination of parameters, or a missing parameter."),
    INVALID_PARAMETER_VALUE("InvalidParameterValue", 400, "A value specified in a parameter is not valid, is "
        + "unsupported, or cannot be used. Ensure that you specify a resource by using its full ID. The returned "
        + "message provides an explanation of the error value."),
    MALFORMED_QUERY_STRING("MalformedQueryString", 404, "The query string contains a syntax error."),
    MISSING_ACTION("MissingAction", 400, "The request is missing an action or a required parameter."),
    MISSING_AUTHENTICATION_TOKEN("MissingAuthenticationToken", 403, "The request must contain valid credentials."),
    MISSING_PARAMETER("MissingParameter", 400, "The request is missing a required parameter. Ensure that you have "
        + "supplied all the required parameters for the request; for example, the resource ID."),
    REQUEST_EXPIRED("RequestExpired", 400, "The request reached the service more than 15 minutes after the date "
        + "stamp on the request or more than 15 minutes after the request expiration date (such as for presigned "
        + "URLs), or the date stamp on the request is more than 15 minutes in the future."),
    UNAUTHORIZED_OPERATION("UnauthorizedOperation", 403, "You are not authorized to perform this operation."),
    UNSUPPORTED_OPERATION("UnsupportedOperation", 400, "The specified request includes an unsupported operation."),

    // ---- client errors of specific actions ----
    ATTACHMENT_LIMIT_EXCEEDED("AttachmentLimitExceeded", 400, "You've reached the limit on the number of Amazon EBS "
        + "volumes or network interfaces that can be attached to a single instance."),
    INCORRECT_INSTANCE_STATE("IncorrectInstanceState", 400, "The instance is in an incorrect state for the "
        + "requested action."),
    INCORRECT_STATE("IncorrectState", 400, "The resource is in an incorrect state for the request."),
    INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET("InsufficientFreeAddressesInSubnet", 400, "The specified subnet does not "
        + "contain enough free private IP addresses to fulfill your request. Use the DescribeSubnets request to view "
        + "how many IP addresses are available (unused) in your subnet."),
    INVALID_ATTACHMENT_NOT_FOUND("InvalidAttachment.NotFound", 400,
        "Indicates an attempt to detach a volume from an instance to which it is not attached."),
    INVALID_ATTACHMENT_ID_NOT_FOUND("InvalidAttachmentID.NotFound", 400,
        "The specified network interface attachment does not exist."),
    INVALID_BLOCK_DEVICE_MAPPING("InvalidBlockDeviceMapping", 400, "The specified block device mapping is not valid."),
    INVALID_DEVICE_IN_USE("InvalidDevice.InUse", 400,
        "The device to which you are trying to attach (for example, /dev/sdh) is already in use on the instance."),
    INVALID_GROUP_DUPLICATE("InvalidGroup.Duplicate", 400,
        "You cannot create a security group with the same name as an existing security group in the same VPC."),
    INVALID_GROUP_NOT_FOUND("InvalidGroup.NotFound", 400, "The specified security group does not exist."),
    INVALID_GROUP_ID_MALFORMED("InvalidGroupId.Malformed", 400, "The specified security group ID is not valid. "
        + "Ensure that you specify the security group ID in the form sg-xxxxxxxxxxxxxxxxx."),
    INVALID_ID("InvalidID", 400, "The specified ID for the resource you are trying to tag is not valid."),
    INVALID_INSTANCE_ID_MALFORMED("InvalidInstanceID.Malformed", 400, "The specified instance ID is malformed. Ensure "
        + "that you provide the full instance ID in the request, in the form i-xxxxxxxxxxxxxxxxx, where "
        + "xxxxxxxxxxxxxxxxx represents the hexadecimal characters of the instance ID."),
    INVALID_INSTANCE_ID_NOT_FOUND("InvalidInstanceID.NotFound", 400, "The specified instance does not exist."),
    INVALID_IP_ADDRESS_IN_USE("InvalidIPAddress.InUse", 400, "The specified IP address is already in use."),
    INVALID_NETWORK_INTERFACE_ID_MALFORMED("InvalidNetworkInterfaceID.Malformed", 400, "The ID for the network "
        + "interface is malformed. Ensure that you specify the network interface ID in the form eni-xxxxxxxxxxxxxxxxx."),
    INVALID_NETWORK_INTERFACE_ID_NOT_FOUND("InvalidNetworkInterfaceID.NotFound", 400,
        "The specified network interface does not exist."),
    INVALID_NETWORK_INTERFACE_IN_USE("InvalidNetworkInterface.InUse", 400, "The specified interface is currently in "
        + "use and cannot be deleted or attached to another instance. Ensure that you have detached the network "
        + "interface first."),
    INVALID_PERMISSION_DUPLICATE("InvalidPermission.Duplicate", 400,
        "The specified inbound or outbound rule already exists for that security group."),
    INVALID_PERMISSION_MALFORMED("InvalidPermission.Malformed", 400, "The specified security group rule is malformed. "
        + "If you are specifying an IP address range, ensure that you use CIDR notation; for example, 203.0.113.0/24."),
    INVALID_PERMISSION_NOT_FOUND("InvalidPermission.NotFound", 400,
        "The specified rule does not exist in this security group."),
    INVALID_SUBNET_CONFLICT("InvalidSubnet.Conflict", 400,
        "The specified CIDR block conflicts with that of another subnet in your VPC."),
    INVALID_SUBNET_RANGE("InvalidSubnet.Range", 400, "The CIDR block you've specified for the subnet is not valid. "
        + "The allowed block size is between a /28 netmask and /16 netmask."),
    INVALID_SUBNET_ID_MALFORMED("InvalidSubnetID.Malformed", 400, "The specified subnet ID is not valid. Ensure "
        + "that you specify the subnet ID in the form subnet-xxxxxxxxxxxxxxxxx."),
    INVALID_SUBNET_ID_NOT_FOUND("InvalidSubnetID.NotFound", 400, "The specified subnet does not exist."),
    INVALID_VOLUME_NOT_FOUND("InvalidVolume.NotFound", 400, "The specified volume does not exist."),
    INVALID_VOLUME_ID_MALFORMED("InvalidVolumeID.Malformed", 400,
        "The specified volume ID is not valid. Check the letter-number combination carefully."),
    INVALID_VPC_RANGE("InvalidVpc.Range", 400, "The specified CIDR block range is not valid. The block range must be "
        + "between a /28 netmask and /16 netmask."),
    INVALID_VPC_ID_MALFORMED("InvalidVpcID.Malformed", 400,
        "The specified VPC ID is malformed. Ensure that you specify the VPC ID in the form vpc-xxxxxxxxxxxxxxxxx."),
    INVALID_VPC_ID_NOT_FOUND("InvalidVpcID.NotFound", 400, "The specified VPC does not exist."),
    INVALID_VPC_PEERING_CONNECTION_ID_NOT_FOUND("InvalidVpcPeeringConnectionID.NotFound", 400,
        "The specified VPC peering connection ID does not exist."),
    OPERATION_NOT_PERMITTED("OperationNotPermitted", 400, "The specified operation is not allowed."),
    PRIVATE_IP_ADDRESS_LIMIT_EXCEEDED("PrivateIpAddressLimitExceeded", 400, "You've reached the limit on the number "
        + "of private IP addresses that you can assign to the specified network interface for that type of instance."),
    SECURITY_GROUPS_PER_INTERFACE_LIMIT_EXCEEDED("SecurityGroupsPerInterfaceLimitExceeded", 400, "You've reached the "
        + "limit on the number of security groups that you can associate with the specified network interface. You "
        + "can associate up to five security groups with each network interface."),
    VOLUME_IN_USE("VolumeInUse", 400, "The specified EBS volume is attached to an instance. Ensure that the specified "
        + "volume is in an 'available' state."),
    VPC_PEERING_CONNECTION_ALREADY_EXISTS("VpcPeeringConnectionAlreadyExists", 400,
        "A VPC peering connection between the VPCs already exists."),

    // ---- server errors ----
    INSUFFICIENT_INSTANCE_CAPACITY("InsufficientInstanceCapacity", 500, "There is not enough capacity to fulfill your "
        + "request. Reduce the number of instances in your request, or wait for additional capacity to become "
        + "available. You can also try launching an instance by selecting different instance types."),
    INTERNAL_ERROR("InternalError", 500, "An internal error has occurred. Retry your request."),
    REQUEST_LIMIT_EXCEEDED("RequestLimitExceeded", 503,
        "The maximum request rate permitted by the Amazon EC2 APIs has been exceeded for your account."),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503, "The request has failed due to a temporary failure of the server."),

    // ---- HTTP-level answers of this simulator (no EC2 counterpart) ----
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405, "The EC2 Query API takes form-encoded POST requests."),
    REQUEST_ENTITY_TOO_LARGE("RequestEntityTooLarge", 413, "The request body is larger than this endpoint accepts.");

    private static final Map<String, Ec2Error> BY_CODE = new HashMap<>();

    static
    {
        for (final Ec2Error e : values())
        {
            BY_CODE.put(e.code, e);
        }
    }

    private final String code;
    private final int httpStatus;
    private final String description;

    Ec2Error(final String code, final int httpStatus, final String description)
    {
        this.code = code;
        this.httpStatus = httpStatus;
        this.description = description;
    }

    /** The code EC2 returns in {@code <Code>}, e.g. "AttachmentLimitExceeded". */
    public String code()
    {
        return code;
    }

    public int httpStatus()
    {
        return httpStatus;
    }

    /** EC2's description of the error (the reference page's text). */
    public String description()
    {
        return description;
    }

    /** A client error (4xx): the request must change before a retry can succeed. */
    public boolean isClientError()
    {
        return httpStatus < 500;
    }

    /**
     * The error with this code.
     *
     * @throws IllegalArgumentException naming the code when the table has no such entry.
     */
    public static Ec2Error of(final String code)
    {
        final Ec2Error error = BY_CODE.get(code);
        if (error == null)
        {
            throw new IllegalArgumentException("no EC2 error code \"" + code + "\" in the table");
        }
        return error;
    }
}
