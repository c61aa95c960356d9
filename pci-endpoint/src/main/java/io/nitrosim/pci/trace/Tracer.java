package io.nitrosim.pci.trace;

/**
 * A component's handle on the trace: the sink, the instance and function the component belongs to, and the
 * kinds to record. {@link #OFF} records nothing. Emitting costs one mask test and a branch when the kind is off
 * and allocates nothing either way, so components call {@link #emit} unconditionally:
 * <pre>
 *   tracer.emit(TraceKind.DMA_READ, -1, address, length, status, 0);
 * </pre>
 * Components hold it in a field set once before the run (a {@link io.nitrosim.pci.PciFunction} at assembly,
 * its DMA port and MSI-X table with it).
 */
public final class Tracer
{
    /** Records nothing. */
    public static final Tracer OFF = new Tracer(null, 0, -1, -1);

    private final TraceSink sink;
    private final long kindMask;
    private final int instance;
    private final int function;

    /**
     * @param kindMask bits {@code 1L << kind} of the kinds to record ({@link TraceKind#mask}); 0 records nothing
     */
    public Tracer(final TraceSink sink, final long kindMask, final int instance, final int function)
    {
        if (sink == null && kindMask != 0)
        {
            throw new IllegalArgumentException("a tracer that records kinds needs a sink");
        }
        this.sink = sink;
        this.kindMask = kindMask;
        this.instance = instance;
        this.function = function;
    }

    /** Whether {@code kind} is recorded (for callers whose arguments cost something to compute). */
    public boolean isOn(final int kind)
    {
        return ((kindMask >>> kind) & 1L) != 0;
    }

    /** Records the event if its kind is on; see {@link TraceKind} for the arguments of each kind. */
    public void emit(final int kind, final int queue, final long arg0, final long arg1, final long arg2, final long arg3)
    {
        if (((kindMask >>> kind) & 1L) != 0)
        {
            sink.record(kind, instance, function, queue, arg0, arg1, arg2, arg3);
        }
    }

    public int instance()
    {
        return instance;
    }

    public int function()
    {
        return function;
    }

    public long kindMask()
    {
        return kindMask;
    }
}
