package io.nitrosim.ebs.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VolumeSpecTest
{
    private static final String ID = "vol-0123456789abcdef0";
    private static final long MIB = 1024 * 1024;

    private static VolumeSpec.Builder spec(final VolumeType type, final int sizeGiB)
    {
        return VolumeSpec.builder().volumeId(ID).type(type).sizeGiB(sizeGiB).deviceName("/dev/sdf");
    }

    private static String refusal(final VolumeSpec.Builder builder)
    {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    @Test
    void shouldRefuseGp3WithTwentyThousandIops()
    {
        assertEquals("gp3 IOPS 20000 is out of range for a 100 GiB volume: accepted 3000..16000 "
            + "(at most 500 IOPS per GiB, 16000 max)", refusal(spec(VolumeType.GP3, 100).iops(20_000)));
    }

    @Test
    void shouldRefuseIo1OverFiftyIopsPerGiB()
    {
        assertEquals("io1 IOPS 5001 is out of range for a 100 GiB volume: accepted 100..5000 "
            + "(at most 50 IOPS per GiB, 64000 max)", refusal(spec(VolumeType.IO1, 100).iops(5001)));
    }

    @Test
    void shouldRefuseSt1UnderOneHundredTwentyFiveGiB()
    {
        assertEquals("st1 volume size 100 GiB is out of range: accepted 125..16384 GiB",
            refusal(spec(VolumeType.ST1, 100)));
    }

    @Test
    void shouldRefuseOtherBadInputWithOneLineNamingValueAndRange()
    {
        assertEquals("volume id \"vol-123\" is invalid: accepted \"vol-\" followed by 17 lowercase hex digits "
            + "(e.g. vol-0123456789abcdef0)", refusal(spec(VolumeType.GP3, 100).volumeId("vol-123")));
        assertEquals("volume type is missing: accepted gp2, gp3, io1, io2, st1, sc1",
            refusal(VolumeSpec.builder().volumeId(ID).sizeGiB(10).deviceName("/dev/sdf")));
        assertEquals("volume type \"gp4\" is unknown: accepted gp2, gp3, io1, io2, st1, sc1",
            assertThrows(IllegalArgumentException.class, () -> VolumeSpec.builder().type("gp4")).getMessage());
        assertEquals("gp2 volume size 0 GiB is out of range: accepted 1..16384 GiB", refusal(spec(VolumeType.GP2, 0)));
        assertEquals("io2 volume size 16385 GiB is out of range: accepted 4..16384 GiB",
            refusal(spec(VolumeType.IO2, 16_385).iops(1000)));
        assertEquals("gp2 IOPS are not provisionable (baseline 3 IOPS per GiB, 100..16000), got 5000",
            refusal(spec(VolumeType.GP2, 100).iops(5000)));
        assertEquals("st1 IOPS are not provisionable (fixed at 500 IOPS of 1 MiB), got 1000",
            refusal(spec(VolumeType.ST1, 500).iops(1000)));
        assertEquals("io1 IOPS must be provisioned for a 100 GiB volume: accepted 100..5000 "
            + "(at most 50 IOPS per GiB, 64000 max)", refusal(spec(VolumeType.IO1, 100)));
        assertEquals("io2 IOPS 99 is out of range for a 100 GiB volume: accepted 100..50000 "
            + "(at most 500 IOPS per GiB, 64000 max)", refusal(spec(VolumeType.IO2, 100).iops(99)));
        assertEquals("io2 IOPS 64001 is out of range for a 1000 GiB volume: accepted 100..64000 "
            + "(at most 500 IOPS per GiB, 64000 max)", refusal(spec(VolumeType.IO2, 1000).iops(64_001)));
        assertEquals("gp3 throughput 751 MiB/s is out of range for 3000 IOPS: accepted 125..750 MiB/s "
            + "(at most 0.25 MiB/s per IOPS, 1000 max)", refusal(spec(VolumeType.GP3, 100).throughputMiBps(751)));
        assertEquals("gp3 throughput 1001 MiB/s is out of range for 16000 IOPS: accepted 125..1000 MiB/s "
            + "(at most 0.25 MiB/s per IOPS, 1000 max)",
            refusal(spec(VolumeType.GP3, 100).iops(16_000).throughputMiBps(1001)));
        assertEquals("io1 throughput is not provisionable (it follows IOPS), got 500 MiB/s",
            refusal(spec(VolumeType.IO1, 100).iops(1000).throughputMiBps(500)));
        assertEquals("sc1 throughput is not provisionable (it follows size), got 100 MiB/s",
            refusal(spec(VolumeType.SC1, 500).throughputMiBps(100)));
        assertEquals("device name \"sdf\" is invalid: accepted /dev/sd[a-z] or /dev/xvd[a-z], optionally followed "
            + "by one more letter (e.g. /dev/sdf)", refusal(spec(VolumeType.GP3, 100).deviceName("sdf")));
        assertEquals("device name (missing) is invalid: accepted /dev/sd[a-z] or /dev/xvd[a-z], optionally followed "
            + "by one more letter (e.g. /dev/sdf)", refusal(spec(VolumeType.GP3, 100).deviceName(null)));
    }

    @Test
    void shouldFillGp3DefaultsAndAcceptTheLimits()
    {
        final VolumeSpec defaults = spec(VolumeType.GP3, 1).build();
        assertEquals(3000, defaults.iops());
        assertEquals(125, defaults.throughputMiBps());
        final VolumeSpec max = spec(VolumeType.GP3, 32).iops(16_000).throughputMiBps(1000).build();
        assertEquals(16_000, max.limits().baselineIops());
        assertEquals(1000 * MIB, max.limits().throughputPeakBytesPerSec());
        assertEquals(32L << 30, max.sizeBytes());
        assertEquals("/dev/sdf", max.deviceName());
        assertEquals("vol0123456789abcdef0", max.volumeId().serialNumber());
    }

    @Test
    void shouldSizeGp2BurstForOneHundredGiB()
    {
        final VolumeLimits limits = spec(VolumeType.GP2, 100).build().limits();
        assertEquals(300, limits.baselineIops());
        assertEquals(3000, limits.burstIops());
        assertEquals(5_400_000, limits.iopsCreditCapacity());
        assertEquals(2000.0, limits.iopsBurstSeconds()); // 5.4e6 / (3000 - 300)
        assertEquals(128 * MIB, limits.throughputPeakBytesPerSec());
    }

    @Test
    void shouldFollowGp2SizeRules()
    {
        assertEquals(100, spec(VolumeType.GP2, 1).build().iops());
        final VolumeLimits at170 = spec(VolumeType.GP2, 170).build().limits();
        assertEquals(128 * MIB, at170.throughputPeakBytesPerSec());
        final VolumeLimits at171 = spec(VolumeType.GP2, 171).build().limits();
        assertEquals(250 * MIB, at171.throughputPeakBytesPerSec());
        // At 334 GiB the baseline (1002 IOPS x 256 KiB) already exceeds 250 MiB/s.
        assertEquals(1002, spec(VolumeType.GP2, 334).build().limits().baselineIops());
        final VolumeLimits at999 = spec(VolumeType.GP2, 999).build().limits();
        assertEquals(true, at999.hasIopsBurst());
        final VolumeLimits at1000 = spec(VolumeType.GP2, 1000).build().limits();
        assertEquals(3000, at1000.baselineIops());
        assertEquals(false, at1000.hasIopsBurst());
        assertEquals(0.0, at1000.iopsBurstSeconds());
        assertEquals(16_000, spec(VolumeType.GP2, 16_384).build().iops());
    }

    @Test
    void shouldDeriveProvisionedIopsThroughput()
    {
        assertEquals(250 * MIB, spec(VolumeType.IO1, 100).iops(1000).build().limits().throughputPeakBytesPerSec());
        assertEquals(500 * MIB, spec(VolumeType.IO1, 1000).iops(32_000).build().limits().throughputPeakBytesPerSec());
        assertEquals(1000 * MIB, spec(VolumeType.IO2, 200).iops(64_000).build().limits().throughputPeakBytesPerSec());
    }

    @Test
    void shouldSizeHddThroughputBuckets()
    {
        final VolumeLimits st1 = spec(VolumeType.ST1, 1024).build().limits();
        assertEquals(40 * MIB, st1.throughputBaselineBytesPerSec());
        assertEquals(250 * MIB, st1.throughputPeakBytesPerSec());
        assertEquals(1L << 40, st1.throughputCreditCapacityBytes());
        assertEquals(500, st1.baselineIops());
        assertEquals(1024 * 1024, st1.ioUnitBytes());
        final VolumeLimits bigSt1 = spec(VolumeType.ST1, 16_384).build().limits();
        assertEquals(500 * MIB, bigSt1.throughputBaselineBytesPerSec());
        assertEquals(false, bigSt1.hasThroughputBurst());
        final VolumeLimits sc1 = spec(VolumeType.SC1, 1024).build().limits();
        assertEquals(12 * MIB, sc1.throughputBaselineBytesPerSec());
        assertEquals(80 * MIB, sc1.throughputPeakBytesPerSec());
        assertEquals(250, sc1.baselineIops());
        final VolumeLimits smallSc1 = spec(VolumeType.SC1, 125).build().limits();
        assertEquals(12L * 1024 * 125, smallSc1.throughputBaselineBytesPerSec());
    }

    @Test
    void shouldCountOpsInAwsUnits()
    {
        assertEquals(1, VolumeType.GP3.opsFor(512));
        assertEquals(1, VolumeType.GP3.opsFor(16 * 1024));
        assertEquals(1, VolumeType.GP3.opsFor(256 * 1024));
        assertEquals(2, VolumeType.GP3.opsFor(256 * 1024 + 1));
        assertEquals(4, VolumeType.IO2.opsFor(1024 * 1024));
        assertEquals(1, VolumeType.ST1.opsFor(1024 * 1024));
        assertEquals(1, VolumeType.SC1.opsFor(4096));
        assertEquals(0, VolumeType.GP2.opsFor(0));
    }

    @Test
    void shouldParseAndPrintVolumeIds()
    {
        final VolumeId id = VolumeId.parse("vol-f0123456789abcdef");
        assertEquals(15, id.high());
        assertEquals(0x0123456789abcdefL, id.low());
        assertEquals("vol-f0123456789abcdef", id.toString());
        assertEquals(id, VolumeId.of(15, 0x0123456789abcdefL));
        assertEquals("volume id \"vol-0123456789ABCDEF0\" is invalid: accepted \"vol-\" followed by 17 lowercase hex "
            + "digits (e.g. vol-0123456789abcdef0)",
            assertThrows(IllegalArgumentException.class, () -> VolumeId.parse("vol-0123456789ABCDEF0")).getMessage());
    }
}
