package io.nitrosim.simulator.results;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What one governed quantity did over a run, derived from its sampled rate and credit series: the level the
 * rate held while it burst, how long the burst lasted, the rate after it, when the credit bucket ran dry.
 * A figure that does not apply (the rate never left its burst level, the quantity has no credits) is null
 * and left out of results.json.
 *
 * @param subject             the instance or volume it belongs to.
 * @param instance            the instance (the subject itself for instance quantities).
 * @param quantity            {@code net-out}, {@code net-in}, {@code ebs-mbps}, {@code ebs-iops},
 *                            {@code volume-iops} or {@code volume-mibps}.
 * @param unit                unit of the rates and caps: Gbps, Mbps, IOPS or MiB/s.
 * @param peakCap             the peak cap of the type or volume.
 * @param baselineCap         the baseline cap (equal to the peak when the quantity does not burst).
 * @param startSeconds        when traffic began, interpolated within its first sample.
 * @param peakHeld            the mean rate over the whole samples of the burst; over the active samples when
 *                            the rate never rose above the baseline cap.
 * @param burstEnded          whether the rate left its burst level before the end of the run.
 * @param burstSeconds        from {@code startSeconds} to when the rate left its burst level, interpolated
 *                            within the sample where it fell; null when it never left it.
 * @param baselineAfter       the mean rate over the whole samples after the burst while traffic ran; null when
 *                            there are none.
 * @param drainSeconds        from {@code startSeconds} until the credit balance reached zero; projected from the
 *                            spend so far when the run ended first ({@code drainProjected}); null when no
 *                            credits were spent or the quantity has none.
 * @param drainProjected      whether {@code drainSeconds} is a projection rather than a measurement.
 * @param finalCreditsPercent the credit balance at the last sample; null for a quantity without credits.
 * @param throttledFraction   frames or operations (bytes for bandwidth) held back by the cap, per frame,
 *                            operation or byte carried.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BurstFigures(
    String subject,
    String instance,
    String quantity,
    String unit,
    double peakCap,
    double baselineCap,
    double startSeconds,
    double peakHeld,
    boolean burstEnded,
    Double burstSeconds,
    Double baselineAfter,
    Double drainSeconds,
    boolean drainProjected,
    Double finalCreditsPercent,
    double throttledFraction)
{
    public BurstFigures
    {
        Checks.text("subject", subject);
        Checks.text("instance", instance);
        Checks.text("quantity", quantity);
        Checks.text("unit", unit);
        Checks.nonNegative("peakCap", peakCap);
        Checks.nonNegative("baselineCap", baselineCap);
        Checks.nonNegative("startSeconds", startSeconds);
        Checks.nonNegative("peakHeld", peakHeld);
        optionalNonNegative("burstSeconds", burstSeconds);
        optionalNonNegative("baselineAfter", baselineAfter);
        optionalNonNegative("drainSeconds", drainSeconds);
        if (finalCreditsPercent != null)
        {
            Checks.percent("finalCreditsPercent", finalCreditsPercent);
        }
        Checks.nonNegative("throttledFraction", throttledFraction);
    }

    private static void optionalNonNegative(final String field, final Double value)
    {
        if (value != null)
        {
            Checks.nonNegative(field, value);
        }
    }
}
