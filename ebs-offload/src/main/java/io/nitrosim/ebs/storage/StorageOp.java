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
            default: return "OP_" + op;
        }
    }
}
