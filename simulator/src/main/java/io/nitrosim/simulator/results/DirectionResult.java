package io.nitrosim.simulator.results;

/**
 * One direction (in or out) of an instance's network.
 *
 * @param averageGbps               achieved average over the run.
 * @param peakGbps                  the instance type's peak (burst) cap.
 * @param baselineGbps              the instance type's baseline cap (equal to peak for non-burstable types).
 * @param finalCreditBalancePercent network I/O credit balance at the end of the run (100 for non-burstable).
 * @param packets                   packets carried.
 * @param bytes                     bytes carried.
 */
public record DirectionResult(
    double averageGbps,
    double peakGbps,
    double baselineGbps,
    double finalCreditBalancePercent,
    long packets,
    long bytes)
{
    public DirectionResult
    {
        Checks.nonNegative("averageGbps", averageGbps);
        Checks.nonNegative("peakGbps", peakGbps);
        Checks.nonNegative("baselineGbps", baselineGbps);
        Checks.percent("finalCreditBalancePercent", finalCreditBalancePercent);
        Checks.nonNegative("packets", packets);
        Checks.nonNegative("bytes", bytes);
    }
}
