package io.nitrosim.ebs.storage;

/** Operation codes shared by the {@link StorageBackend} API, the journal and the wire protocol. */
public final class StorageOp
{
    /** Create a volume (idempotent for the same size). */
    public static final int CREATE = 1;
    public static final int READ = 2;
    public static final int WRITE = 3;
    /** Make acknowledged writes durable; writes are durable once acknowledged, so this only checks the volume. */
    public static final int FLUSH = 4;
    /** Deallocate a range: afterwards it reads as zeros. */
    public static final int TRIM = 5;
    /** Server counters (see {@link StorageProtocol#STATUS_LENGTH}). */
    public static final int STATUS = 6;
    /** Wire only: the connection's first request, carrying the access token; answered with the server's limits. */
    public static final int AUTH = 7;
    /** Wire only: keeps an idle connection open (the client sends one when it has been quiet for a while). */
    public static final int PING = 8;

    private StorageOp()
    {
    }

    public static String name(final int op)
    {
        switch (op)
        {
            case CREATE: return "CREATE";
            case READ: return "READ";
            case WRITE: return "WRITE";
            case FLUSH: return "FLUSH";
            case TRIM: return "TRIM";
            case STATUS: return "STATUS";
            case AUTH: return "AUTH";
            case PING: return "PING";
            default: return "OP_" + op;
        }
    }
}
