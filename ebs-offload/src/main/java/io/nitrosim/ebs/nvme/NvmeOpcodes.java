package io.nitrosim.ebs.nvme;

/** Opcodes and selector values the EBS controller model implements (NVMe Base and NVM Command Set specs). */
public final class NvmeOpcodes
{
    // Admin command set
    public static final int ADMIN_DELETE_IO_SQ = 0x00;
    public static final int ADMIN_CREATE_IO_SQ = 0x01;
    public static final int ADMIN_GET_LOG_PAGE = 0x02;
    public static final int ADMIN_DELETE_IO_CQ = 0x04;
    public static final int ADMIN_CREATE_IO_CQ = 0x05;
    public static final int ADMIN_IDENTIFY = 0x06;
    public static final int ADMIN_ABORT = 0x08;
    public static final int ADMIN_SET_FEATURES = 0x09;
    public static final int ADMIN_GET_FEATURES = 0x0A;
    public static final int ADMIN_ASYNC_EVENT_REQUEST = 0x0C;

    // NVM command set (I/O queues)
    public static final int IO_FLUSH = 0x00;
    public static final int IO_WRITE = 0x01;
    public static final int IO_READ = 0x02;
    public static final int IO_WRITE_ZEROES = 0x08;
    public static final int IO_DATASET_MANAGEMENT = 0x09;

    // Identify CNS values
    public static final int CNS_NAMESPACE = 0x00;
    public static final int CNS_CONTROLLER = 0x01;
    public static final int CNS_ACTIVE_NAMESPACE_LIST = 0x02;
    public static final int CNS_NAMESPACE_ID_DESCRIPTORS = 0x03;
    /** Every Identify data structure is one 4 KiB page. */
    public static final int IDENTIFY_DATA_LENGTH = 4096;

    // Feature identifiers
    public static final int FEATURE_ARBITRATION = 0x01;
    public static final int FEATURE_POWER_MANAGEMENT = 0x02;
    public static final int FEATURE_TEMPERATURE_THRESHOLD = 0x04;
    public static final int FEATURE_ERROR_RECOVERY = 0x05;
    public static final int FEATURE_VOLATILE_WRITE_CACHE = 0x06;
    public static final int FEATURE_NUMBER_OF_QUEUES = 0x07;
    public static final int FEATURE_INTERRUPT_COALESCING = 0x08;
    public static final int FEATURE_INTERRUPT_VECTOR_CONFIG = 0x09;
    public static final int FEATURE_ASYNC_EVENT_CONFIG = 0x0B;
    /** Host Behavior Support: a 512-byte structure whose byte 0 is ACRE (advanced command retry enable). */
    public static final int FEATURE_HOST_BEHAVIOR_SUPPORT = 0x16;
    public static final int HOST_BEHAVIOR_LENGTH = 512;
    public static final int HOST_BEHAVIOR_ACRE = 1;

    // Log page identifiers
    public static final int LOG_ERROR_INFORMATION = 0x01;
    public static final int LOG_SMART_HEALTH = 0x02;
    public static final int LOG_FIRMWARE_SLOT = 0x03;

    private NvmeOpcodes()
    {
    }

    /** Number of Queues feature value / result: NSQ[15:0], NCQ[31:16], both 0-based. */
    public static int encodeNumberOfQueues(final int submissionQueues, final int completionQueues)
    {
        return ((submissionQueues - 1) & 0xFFFF) | (((completionQueues - 1) & 0xFFFF) << 16);
    }

    public static int numberOfSubmissionQueues(final int value)
    {
        return (value & 0xFFFF) + 1;
    }

    public static int numberOfCompletionQueues(final int value)
    {
        return (value >>> 16) + 1;
    }
}
