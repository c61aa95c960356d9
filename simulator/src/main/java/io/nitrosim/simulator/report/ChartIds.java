package io.nitrosim.simulator.report;

import java.util.HashSet;
import java.util.Set;

/** Unique chart ids within one page: a repeated id gets "-2", "-3", ... appended. */
final class ChartIds
{
    private final Set<String> used = new HashSet<>();

    String allocate(final String wanted)
    {
        String id = wanted;
        for (int n = 2; used.contains(id); n++)
        {
            id = wanted + "-" + n;
        }
        used.add(id);
        return id;
    }
}
