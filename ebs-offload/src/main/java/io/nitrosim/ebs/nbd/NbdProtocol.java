package io.nitrosim.ebs.nbd;

/**
 * The NBD protocol's numbers, as the protocol document of the NBD project gives them (doc/proto.md of
 * github.com/NetworkBlockDevice/nbd; all values are sent big-endian). Only what this server speaks: the fixed
 * newstyle handshake, the options EXPORT_NAME, ABORT, LIST, INFO, GO (others are answered NBD_REP_ERR_UNSUP),
 * simple replies, and the commands READ, WRITE, DISC, FLUSH, TRIM, WRITE_ZEROES.
 * <pre>
 * server greeting   u64 NBDMAGIC | u64 IHAVEOPT | u16 handshake flags
 * client flags      u32
 * option            u64 IHAVEOPT | u32 option | u32 length | data
 * option reply      u64 REPLY_MAGIC | u32 option | u32 reply type | u32 length | data
 * EXPORT_NAME reply u64 size | u16 transmission flags | 124 zero bytes (none with NO_ZEROES)
 * request           u32 REQUEST_MAGIC | u16 command flags | u16 type | u64 cookie | u64 offset | u32 length | data
 * simple reply      u32 SIMPLE_REPLY_MAGIC | u32 error | u64 cookie | data (READ without error)
 * </pre>
 */
public final class NbdProtocol
{
    /** "NBDMAGIC", the first 8 bytes the server sends. */
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    /** "IHAVEOPT": second word of the newstyle greeting and the first of every option. */
    public static final long IHAVEOPT = 0x49484156454F5054L;
    /** Magic of every option reply. */
    public static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
    public static final int REQUEST_MAGIC = 0x25609513;
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;

    public static final int GREETING_LENGTH = 18;
    public static final int OPTION_HEADER_LENGTH = 16;
    public static final int OPTION_REPLY_HEADER_LENGTH = 20;
    public static final int REQUEST_HEADER_LENGTH = 28;
    public static final int SIMPLE_REPLY_LENGTH = 16;
    public static final int EXPORT_NAME_REPLY_ZEROES = 124;

    // Handshake flags (server, 16 bits) and client flags (32 bits).
    public static final int FLAG_FIXED_NEWSTYLE = 1;
    public static final int FLAG_NO_ZEROES = 1 << 1;
    public static final int FLAG_C_FIXED_NEWSTYLE = 1;
    public static final int FLAG_C_NO_ZEROES = 1 << 1;

    // Transmission flags (16 bits).
    public static final int FLAG_HAS_FLAGS = 1;
    public static final int FLAG_READ_ONLY = 1 << 1;
    public static final int FLAG_SEND_FLUSH = 1 << 2;
    public static final int FLAG_SEND_FUA = 1 << 3;
    public static final int FLAG_ROTATIONAL = 1 << 4;
    public static final int FLAG_SEND_TRIM = 1 << 5;
    public static final int FLAG_SEND_WRITE_ZEROES = 1 << 6;
    public static final int FLAG_SEND_DF = 1 << 7;
    public static final int FLAG_CAN_MULTI_CONN = 1 << 8;

    // Options.
    public static final int OPT_EXPORT_NAME = 1;
    public static final int OPT_ABORT = 2;
    public static final int OPT_LIST = 3;
    public static final int OPT_STARTTLS = 5;
    public static final int OPT_INFO = 6;
    public static final int OPT_GO = 7;
    public static final int OPT_STRUCTURED_REPLY = 8;
    public static final int OPT_LIST_META_CONTEXT = 9;
    public static final int OPT_SET_META_CONTEXT = 10;

    // Option reply types; errors have bit 31 set.
    public static final int REP_ACK = 1;
    public static final int REP_SERVER = 2;
    public static final int REP_INFO = 3;
    public static final int REP_FLAG_ERROR = 1 << 31;
    public static final int REP_ERR_UNSUP = REP_FLAG_ERROR | 1;
    public static final int REP_ERR_POLICY = REP_FLAG_ERROR | 2;
    public static final int REP_ERR_INVALID = REP_FLAG_ERROR | 3;
    public static final int REP_ERR_PLATFORM = REP_FLAG_ERROR | 4;
    public static final int REP_ERR_TLS_REQD = REP_FLAG_ERROR | 5;
    public static final int REP_ERR_UNKNOWN = REP_FLAG_ERROR | 6;
    public static final int REP_ERR_SHUTDOWN = REP_FLAG_ERROR | 7;
    public static final int REP_ERR_BLOCK_SIZE_REQD = REP_FLAG_ERROR | 8;
    public static final int REP_ERR_TOO_BIG = REP_FLAG_ERROR | 9;

    // Information types of NBD_REP_INFO.
    public static final int INFO_EXPORT = 0;
    public static final int INFO_NAME = 1;
    public static final int INFO_DESCRIPTION = 2;
    public static final int INFO_BLOCK_SIZE = 3;

    // Command flags (16 bits).
    public static final int CMD_FLAG_FUA = 1;
    public static final int CMD_FLAG_NO_HOLE = 1 << 1;
    public static final int CMD_FLAG_DF = 1 << 2;
    public static final int CMD_FLAG_REQ_ONE = 1 << 3;
    public static final int CMD_FLAG_FAST_ZERO = 1 << 4;

    // Commands.
    public static final int CMD_READ = 0;
    public static final int CMD_WRITE = 1;
    public static final int CMD_DISC = 2;
    public static final int CMD_FLUSH = 3;
    public static final int CMD_TRIM = 4;
    public static final int CMD_CACHE = 5;
    public static final int CMD_WRITE_ZEROES = 6;
    public static final int CMD_BLOCK_STATUS = 7;

    // Errors of a reply.
    public static final int EPERM = 1;
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int EOVERFLOW = 75;
    public static final int ENOTSUP = 95;
    public static final int ESHUTDOWN = 108;

    /** Longest string (export name, message) the protocol allows. */
    public static final int MAX_STRING_BYTES = 4096;
    /** Payloads up to this size must not be treated as a denial of service (2^25). */
    public static final int DOS_PAYLOAD_FLOOR = 1 << 25;

    private NbdProtocol()
    {
    }

    /** Name of a command type, for messages. */
    public static String commandName(final int type)
    {
        switch (type)
        {
            case CMD_READ:
                return "READ";
            case CMD_WRITE:
                return "WRITE";
            case CMD_DISC:
                return "DISC";
            case CMD_FLUSH:
                return "FLUSH";
            case CMD_TRIM:
                return "TRIM";
            case CMD_CACHE:
                return "CACHE";
            case CMD_WRITE_ZEROES:
                return "WRITE_ZEROES";
            case CMD_BLOCK_STATUS:
                return "BLOCK_STATUS";
            default:
                return "command " + type;
        }
    }
}
