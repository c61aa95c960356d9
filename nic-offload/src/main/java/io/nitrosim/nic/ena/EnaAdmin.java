package io.nitrosim.nic.ena;

/**
 * ENA admin-queue vocabulary, with the values of Linux {@code ena_admin_defs.h}: opcodes, completion status
 * codes, feature ids, statistics types, asynchronous event groups, queue directions and policies.
 */
public final class EnaAdmin
{
    /** Admin queue, completion queue and AENQ entries are all 64 bytes. */
    public static final int ENTRY_SIZE_BYTES = 64;

    // Opcodes (ena_admin_aq_opcode)
    public static final int CREATE_SQ = 1;
    public static final int DESTROY_SQ = 2;
    public static final int CREATE_CQ = 3;
    public static final int DESTROY_CQ = 4;
    public static final int GET_FEATURE = 8;
    public static final int SET_FEATURE = 9;
    public static final int GET_STATS = 11;

    // Completion status (ena_admin_aq_completion_status)
    public static final int SUCCESS = 0;
    public static final int RESOURCE_ALLOCATION_FAILURE = 1;
    public static final int BAD_OPCODE = 2;
    public static final int UNSUPPORTED_OPCODE = 3;
    public static final int MALFORMED_REQUEST = 4;
    public static final int ILLEGAL_PARAMETER = 5;
    public static final int UNKNOWN_ERROR = 6;
    public static final int RESOURCE_BUSY = 7;

    // Feature ids (ena_admin_aq_feature_id)
    public static final int FEATURE_DEVICE_ATTRIBUTES = 1;
    public static final int FEATURE_MAX_QUEUES_NUM = 2;
    public static final int FEATURE_HW_HINTS = 3;
    public static final int FEATURE_LLQ = 4;
    public static final int FEATURE_MAX_QUEUES_EXT = 7;
    public static final int FEATURE_RSS_HASH_FUNCTION = 10;
    public static final int FEATURE_STATELESS_OFFLOAD_CONFIG = 11;
    public static final int FEATURE_RSS_INDIRECTION_TABLE_CONFIG = 12;
    public static final int FEATURE_MTU = 14;
    public static final int FEATURE_RSS_HASH_INPUT = 18;
    public static final int FEATURE_INTERRUPT_MODERATION = 20;
    public static final int FEATURE_AENQ_CONFIG = 26;
    public static final int FEATURE_LINK_CONFIG = 27;
    public static final int FEATURE_HOST_ATTR_CONFIG = 28;

    // Device capabilities bits (ena_admin_aq_caps_id), reported in DEVICE_ATTRIBUTES.capabilities
    public static final int CAPABILITY_ENI_STATS = 0;

    // GET_STATS types (ena_admin_get_stats_type) and scopes
    public static final int STATS_TYPE_BASIC = 0;
    public static final int STATS_TYPE_EXTENDED = 1;
    public static final int STATS_TYPE_ENI = 2;
    public static final int STATS_TYPE_ENA_SRD = 3;
    public static final int STATS_TYPE_CUSTOMER_METRICS = 4;
    public static final int STATS_SCOPE_SPECIFIC_QUEUE = 0;
    public static final int STATS_SCOPE_ETH_TRAFFIC = 1;
    /** GET_STATS device_id meaning "this function". */
    public static final int STATS_DEVICE_ID_MINE = 0xFFFF;
    /** Number of u64 counters in the ENI statistics, in this order (ena_admin_eni_stats). */
    public static final int ENI_STATS_COUNT = 5;

    // AENQ groups (ena_admin_aenq_group)
    public static final int AENQ_LINK_CHANGE = 0;
    public static final int AENQ_FATAL_ERROR = 1;
    public static final int AENQ_WARNING = 2;
    public static final int AENQ_NOTIFICATION = 3;
    public static final int AENQ_KEEP_ALIVE = 4;
    public static final int AENQ_REFRESH_CAPABILITIES = 5;
    public static final int AENQ_CONF_NOTIFICATIONS = 6;

    // SQ direction (ena_admin_sq_direction), in sq_identity[7:5]
    public static final int SQ_DIRECTION_TX = 1;
    public static final int SQ_DIRECTION_RX = 2;

    // Placement policy (sq_caps_2[3:0]) and completion policy (sq_caps_2[6:4])
    public static final int PLACEMENT_POLICY_HOST = 1;
    public static final int PLACEMENT_POLICY_DEV = 3;
    public static final int COMPLETION_POLICY_DESC = 0;
    public static final int COMPLETION_POLICY_DESC_ON_DEMAND = 1;
    public static final int COMPLETION_POLICY_HEAD_ON_DEMAND = 2;
    public static final int COMPLETION_POLICY_HEAD = 3;

    private EnaAdmin()
    {
    }

    public static String statusName(final int status)
    {
        switch (status)
        {
            case SUCCESS:
                return "SUCCESS";
            case RESOURCE_ALLOCATION_FAILURE:
                return "RESOURCE_ALLOCATION_FAILURE";
            case BAD_OPCODE:
                return "BAD_OPCODE";
            case UNSUPPORTED_OPCODE:
                return "UNSUPPORTED_OPCODE";
            case MALFORMED_REQUEST:
                return "MALFORMED_REQUEST";
            case ILLEGAL_PARAMETER:
                return "ILLEGAL_PARAMETER";
            case UNKNOWN_ERROR:
                return "UNKNOWN_ERROR";
            case RESOURCE_BUSY:
                return "RESOURCE_BUSY";
            default:
                return "STATUS(" + status + ")";
        }
    }
}
