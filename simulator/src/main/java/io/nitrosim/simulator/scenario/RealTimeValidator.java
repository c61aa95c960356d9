package io.nitrosim.simulator.scenario;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.nitrosim.time.WorkerIdle;

/** The real-time section: how far a run may fall behind the wall clock, and the metrics that measure it. */
final class RealTimeValidator
{
    private static final String ALLOWED_LAG_ACCEPTED =
        "accepted: a duration (250ms, 2s), a percentage of the duration in (0, 100] (5%) or unlimited";

    private final FieldChecks checks;

    RealTimeValidator(final FieldChecks checks)
    {
        this.checks = checks;
    }

    /** {@code allowedLag}: default 1 % of the duration (at least 1 ns). */
    long allowedLagNs(final String text, final long durationNs)
    {
        if (text == null)
        {
            return Math.max(1, durationNs / 100);
        }
        final String t = text.trim();
        if (t.equals("unlimited"))
        {
            return Scenario.UNLIMITED_LAG;
        }
        if (t.endsWith("%"))
        {
            BigDecimal percent = null;
            try
            {
                percent = new BigDecimal(t.substring(0, t.length() - 1).trim());
            }
            catch (final NumberFormatException ex)
            {
                // reported below
            }
            if (percent == null || percent.signum() <= 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0)
            {
                throw checks.error("allowedLag", MessageText.quoted(text) + " is not accepted; " + ALLOWED_LAG_ACCEPTED);
            }
            return Math.max(1, percent.multiply(BigDecimal.valueOf(durationNs)).divide(BigDecimal.valueOf(100),
                RoundingMode.DOWN).longValueExact());
        }
        final long ns = DurationParser.parseNs(t);
        if (ns == DurationParser.TOO_LONG || ns > ScenarioLimits.MAX_DURATION_NS)
        {
            throw checks.error("allowedLag", MessageText.quoted(text) + " is too long, accepted at most "
                + DurationParser.format(ScenarioLimits.MAX_DURATION_NS));
        }
        if (ns == DurationParser.INVALID || ns <= 0)
        {
            throw checks.error("allowedLag", MessageText.quoted(text) + " is not accepted; " + ALLOWED_LAG_ACCEPTED);
        }
        return ns;
    }

    /**
     * {@code threads}: how many worker threads a real-time run may use, default 1 (every agent on one paced
     * thread: no cross-thread latency, the quickest start); more when one thread cannot keep pace (docs/
     * architecture.md, "Decisions"). Virtual runs ignore it (they are single-threaded and deterministic).
     */
    int threads(final Integer value)
    {
        return checks.range("threads", value, 1, 1, ScenarioLimits.MAX_THREADS);
    }

    /**
     * {@code idle}: how the workers of a concurrent real-time run wait when idle, {@code adaptive} (default: spin,
     * yield or park as recent work says) or {@code spin} (never park or yield: the lowest latency across threads, a
     * core per worker). Virtual and one-thread runs ignore it (they hand off within a pass).
     */
    WorkerIdle idle(final String value)
    {
        final List<String> accepted = new ArrayList<>();
        for (final WorkerIdle mode : WorkerIdle.values())
        {
            accepted.add(mode.key());
        }
        final String key = checks.oneOf("idle", value, WorkerIdle.ADAPTIVE.key(), accepted);
        return WorkerIdle.valueOf(key.toUpperCase(Locale.ROOT));
    }

    /** A lag metric measures a real-time run: a virtual run has no wall clock to lag behind. */
    void requireRealTimeForLagMetrics(final List<Scenario.Expectation> expectations, final Scenario.ClockMode clock)
    {
        for (int i = 0; i < expectations.size(); i++)
        {
            if (expectations.get(i).metric().subjectKind() == ExpectationMetric.SubjectKind.RUN
                && clock != Scenario.ClockMode.REAL)
            {
                throw checks.error("expectations[" + i + "].metric", expectations.get(i).metric().key()
                    + " gates real-time runs only; set clock: real");
            }
        }
    }
}
