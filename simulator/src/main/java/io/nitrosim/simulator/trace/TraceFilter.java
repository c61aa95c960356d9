package io.nitrosim.simulator.trace;

import java.util.ArrayList;
import java.util.List;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;
import io.nitrosim.simulator.scenario.DurationParser;

/** Which records a trace command looks at: an instance, a function, kinds and a simulated time range. */
public final class TraceFilter
{
    private final int instance;
    private final int function;
    private final long kindMask;
    private final long fromNs;
    private final long toNs;

    private TraceFilter(final int instance, final int function, final long kindMask, final long fromNs,
        final long toNs)
    {
        this.instance = instance;
        this.function = function;
        this.kindMask = kindMask;
        this.fromNs = fromNs;
        this.toNs = toNs;
    }

    /** Every record. */
    public static TraceFilter all()
    {
        return new TraceFilter(-2, -2, TraceKind.EVERY, 0, Long.MAX_VALUE);
    }

    /**
     * Resolves the options against the trace's names (any may be null: no restriction); an unknown name or a bad
     * time is a {@link TraceException} naming the accepted values.
     *
     * @param function an ENI or volume name (with {@code instance}, or unique on its own)
     * @param from     start of the time range, inclusive, as a duration since the start (2s, 150ms)
     * @param to       end of the time range, exclusive
     */
    public static TraceFilter of(final TraceMeta meta, final String instance, final String function,
        final List<String> kinds, final String from, final String to)
    {
        int instanceIndex = -2;
        if (instance != null)
        {
            final List<String> names = new ArrayList<>();
            for (final TraceMeta.InstanceName i : meta.instances())
            {
                names.add(i.name());
                if (i.name().equals(instance))
                {
                    instanceIndex = i.index();
                }
            }
            if (instanceIndex == -2)
            {
                throw new TraceException("--instance '" + instance + "': not in this trace; its instances: "
                    + String.join(", ", names));
            }
        }
        int functionNumber = -2;
        if (function != null)
        {
            final List<String> names = new ArrayList<>();
            for (final TraceMeta.FunctionName f : meta.functions())
            {
                if (instanceIndex != -2 && f.instance() != instanceIndex)
                {
                    continue;
                }
                names.add(f.name());
                if (f.name().equals(function))
                {
                    functionNumber = f.function();
                    instanceIndex = f.instance();
                }
            }
            if (functionNumber == -2)
            {
                throw new TraceException("--function '" + function + "': not traced" + (instance == null ? ""
                    : " on instance " + instance) + "; traced functions: "
                    + (names.isEmpty() ? "none" : String.join(", ", names)));
            }
        }
        long mask = TraceKind.EVERY;
        if (kinds != null && !kinds.isEmpty())
        {
            try
            {
                mask = TraceKind.mask(kinds);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new TraceException("--kind: " + ex.getMessage());
            }
        }
        final long fromNs = from == null ? 0 : time("--from", from);
        final long toNs = to == null ? Long.MAX_VALUE : time("--to", to);
        if (toNs <= fromNs)
        {
            throw new TraceException("--to " + to + " must be after --from " + (from == null ? "0" : from));
        }
        return new TraceFilter(instanceIndex, functionNumber, mask, fromNs, toNs);
    }

    private static long time(final String option, final String text)
    {
        final long ns = DurationParser.parseNs(text.trim());
        if (ns < 0)
        {
            throw new TraceException(option + " '" + text + "': not accepted; " + DurationParser.ACCEPTED);
        }
        return ns;
    }

    public boolean matches(final TraceRecord r)
    {
        final long t = r.timeNs();
        final int kind = r.kind();
        return t >= fromNs && t < toNs && kind >= 0 && kind < 64 && ((kindMask >>> kind) & 1L) != 0
            && (instance == -2 || r.instance() == instance) && (function == -2 || r.function() == function);
    }
}
