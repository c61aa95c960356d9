package io.nitrosim.ebs.storage;

/** Completion status codes of storage requests (never exceptions: the card maps them to NVMe statuses). */
public final class StorageStatus
{
    public static final int OK = 0;
    public static final int UNKNOWN_VOLUME = 1;
    /** Offset/length outside the volume, or a bad size on create. */
    public static final int OUT_OF_RANGE = 2;
    /** Larger than the backend's maximum I/O. */
    public static final int TOO_LARGE = 3;
    /** Create of an existing volume with another size. */
    public static final int VOLUME_SIZE_MISMATCH = 4;
    /** Malformed request (unknown op, bad length). */
    public static final int BAD_REQUEST = 5;
    /** Wire magic or version not understood. */
    public static final int BAD_VERSION = 6;
    /** The storage I/O failed; nothing was acknowledged. */
    public static final int IO_ERROR = 7;
    /** The connection to a remote server was lost before the answer arrived: the request may or may not have been applied. */
    public static final int DISCONNECTED = 8;
    /** The server did not accept the connection's access token (or the request came before it). */
    public static final int UNAUTHORIZED = 9;
    /** A configured limit refused the request (e.g. the server's maximum number of volumes). */
    public static final int LIMIT_EXCEEDED = 10;

    private StorageStatus()
    {
    }

    public static String name(final int status)
    {
        switch (status)
        {
            case OK: return "OK";
            case UNKNOWN_VOLUME: return "UNKNOWN_VOLUME";
            case OUT_OF_RANGE: return "OUT_OF_RANGE";
            case TOO_LARGE: return "TOO_LARGE";
            case VOLUME_SIZE_MISMATCH: return "VOLUME_SIZE_MISMATCH";
            case BAD_REQUEST: return "BAD_REQUEST";
            case BAD_VERSION: return "BAD_VERSION";
            case IO_ERROR: return "IO_ERROR";
            case DISCONNECTED: return "DISCONNECTED";
            case UNAUTHORIZED: return "UNAUTHORIZED";
            case LIMIT_EXCEEDED: return "LIMIT_EXCEEDED";
            default: return "STATUS_" + status;
        }
    }
}
