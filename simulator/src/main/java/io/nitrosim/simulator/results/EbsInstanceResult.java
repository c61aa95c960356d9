package io.nitrosim.simulator.results;

/**
 * An instance's aggregate EBS traffic against its EBS-optimized caps.
 *
 * @param averageMbps             achieved average bandwidth, 10^6 bit/s.
 * @param peakMbps                the instance type's EBS peak bandwidth cap.
 * @param baselineMbps            the instance type's EBS baseline bandwidth cap.
 * @param averageIops             achieved average operations per second.
 * @param peakIops                the instance type's EBS peak IOPS cap.
 * @param baselineIops            the instance type's EBS baseline IOPS cap.
 * @param finalIoBalancePercent   EBSIOBalance% at the end of the run (100 for non-burstable).
 * @param finalByteBalancePercent EBSByteBalance% at the end of the run (100 for non-burstable).
 * @param throttledOps            operations delayed by the instance cap.
 * @param throttledBytes          bytes delayed by the instance cap.
 */
public record EbsInstanceResult(
    double averageMbps,
    double peakMbps,
    double baselineMbps,
    double averageIops,
    double peakIops,
    double baselineIops,
    double finalIoBalancePercent,
    double finalByteBalancePercent,
    long throttledOps,
    long throttledBytes)
{
    public EbsInstanceResult
    {
        Checks.nonNegative("averageMbps", averageMbps);
        Checks.nonNegative("peakMbps", peakMbps);
        Checks.nonNegative("baselineMbps", baselineMbps);
        Checks.nonNegative("averageIops", averageIops);
        Checks.nonNegative("peakIops", peakIops);
        Checks.nonNegative("baselineIops", baselineIops);
        Checks.percent("finalIoBalancePercent", finalIoBalancePercent);
        Checks.percent("finalByteBalancePercent", finalByteBalancePercent);
        Checks.nonNegative("throttledOps", throttledOps);
        Checks.nonNegative("throttledBytes", throttledBytes);
    }
}
