package io.nitrosim.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

class InstanceCatalogTest
{
    private static final String HEADER = "type,vcpus,memoryGiB,ebsPeakMbps,ebsBaselineMbps,ebsPeakIops,ebsBaselineIops,"
        + "networkPeakGbps,networkBaselineGbps,networkBurstSeconds,ebsBurstSeconds,maxEnis,ipv4PerEni\n";
    private static final String LARGE = "c5.large,2,4,2250,525,16000,4000,10,0.75,420,1800,3,10\n";

    @Test
    void shouldLoadTheSixC5TypesOfTheLaunchTable()
    {
        final InstanceCatalog catalog = InstanceCatalog.c5();
        assertEquals(List.of("c5.large", "c5.xlarge", "c5.2xlarge", "c5.4xlarge", "c5.9xlarge", "c5.18xlarge"),
            catalog.typeNames());

        final InstanceType large = catalog.require("c5.large");
        assertEquals(2, large.vcpus());
        assertEquals(4L << 30, large.memoryBytes());
        assertEquals(281_250_000L, large.ebsPeakBytesPerSec());
        assertEquals(65_625_000L, large.ebsBaselineBytesPerSec());
        assertEquals(1_250_000_000L, large.networkPeakBytesPerSec());
        assertEquals(93_750_000L, large.networkBaselineBytesPerSec());
        assertEquals(420, large.networkBurstSeconds());
        assertEquals(1800, large.ebsBurstSeconds());
        assertEquals(3, large.maxEnis());
        assertTrue(large.isNetworkBurstable());

        assertEquals(List.of(420L, 780L, 1560L, 3600L, 0L, 0L),
            catalog.types().stream().map(InstanceType::networkBurstSeconds).toList());
        assertEquals(List.of(1800L, 1800L, 1800L, 0L, 0L, 0L),
            catalog.types().stream().map(InstanceType::ebsBurstSeconds).toList());

        final InstanceType big = catalog.require("c5.18xlarge");
        assertEquals(72, big.vcpus());
        assertEquals(144, big.memoryGiB());
        assertEquals(9000, big.ebsPeakMbps());
        assertEquals(64000, big.ebsBaselineIops());
        assertEquals(new BigDecimal("25"), big.networkPeakGbps());
        assertEquals(3_125_000_000L, big.networkBaselineBytesPerSec());
        assertEquals(15, big.maxEnis());
        assertFalse(big.isNetworkBurstable());
        assertFalse(big.isEbsBurstable());
    }

    @Test
    void shouldListValidTypesForAnUnknownOne()
    {
        final UnknownInstanceTypeException ex =
            assertThrows(UnknownInstanceTypeException.class, () -> InstanceCatalog.c5().require("c5.huge"));
        assertEquals("unknown instance type 'c5.huge'; valid types: c5.large, c5.xlarge, c5.2xlarge, c5.4xlarge, "
            + "c5.9xlarge, c5.18xlarge", ex.getMessage());
    }

    @Test
    void shouldRefuseDuplicateNamesNamingRowAndField()
    {
        assertError("t.csv row 3 (c5.large): field type: duplicate instance type 'c5.large'", HEADER + LARGE + LARGE);
    }

    @Test
    void shouldRefuseMissingFields()
    {
        assertError("t.csv row 2 (c5.large): field ebsPeakIops: missing value",
            HEADER + "c5.large,2,4,2250,525,,4000,10,0.75,420,1800,3,10\n");
        assertError("t.csv row 2 (c5.large): field ipv4PerEni: missing value",
            HEADER + "c5.large,2,4,2250,525,16000,4000,10,0.75,420,1800,3\n");
        assertError("t.csv row 1: field maxEnis is missing from the header",
            HEADER.replace(",maxEnis", "") + LARGE);
    }

    @Test
    void shouldRefuseNonPositiveRates()
    {
        assertError("t.csv row 2 (c5.large): field ebsPeakMbps: 0 must be positive",
            HEADER + "c5.large,2,4,0,525,16000,4000,10,0.75,420,1800,3,10\n");
        assertError("t.csv row 2 (c5.large): field networkBaselineGbps: -0.75 must be positive",
            HEADER + "c5.large,2,4,2250,525,16000,4000,10,-0.75,420,1800,3,10\n");
        assertError("t.csv row 2 (c5.large): field vcpus: 'two' is not a whole number",
            HEADER + "c5.large,two,4,2250,525,16000,4000,10,0.75,420,1800,3,10\n");
    }

    @Test
    void shouldRefuseBaselineAbovePeak()
    {
        assertError("t.csv row 2 (c5.large): field ebsBaselineMbps: 3000 is above ebsPeakMbps 2250",
            HEADER + "c5.large,2,4,2250,3000,16000,4000,10,0.75,420,1800,3,10\n");
        assertError("t.csv row 2 (c5.large): field networkBaselineGbps: 12 is above networkPeakGbps 10",
            HEADER + "c5.large,2,4,2250,525,16000,4000,10,12,420,1800,3,10\n");
    }

    @Test
    void shouldRefuseBurstDurationsThatContradictTheRates()
    {
        assertError("t.csv row 2 (c5.large): field networkBurstSeconds: 0, but the baseline is below the peak: "
                + "an \"up to\" type needs a burst duration",
            HEADER + "c5.large,2,4,2250,525,16000,4000,10,0.75,0,1800,3,10\n");
        assertError("t.csv row 2 (c5.9xlarge): field ebsBurstSeconds: 1800, but the baseline equals the peak: must be 0",
            HEADER + "c5.9xlarge,36,72,4500,4500,32000,32000,10,10,0,1800,8,30\n");
    }

    @Test
    void shouldRefuseUnknownHeaderFields()
    {
        assertError("t.csv row 1: field 'gpus' is not a catalog field; accepted: " + InstanceCatalog.ACCEPTED_FIELDS,
            HEADER.replace("\n", ",gpus\n") + LARGE);
    }

    @Test
    void shouldSayWhichNetworkBurstsAreMeasured()
    {
        final InstanceCatalog c5 = InstanceCatalog.c5();
        assertEquals(java.util.Optional.of("measured"), c5.networkBurstBasis("c5.large"));
        assertEquals(java.util.Optional.of("measured"), c5.networkBurstBasis("c5.2xlarge"));
        assertEquals(java.util.Optional.of("aws-range-top"), c5.networkBurstBasis("c5.4xlarge"));
        assertEquals(java.util.Optional.empty(), c5.networkBurstBasis("c5.9xlarge"));
        assertError("t.csv row 2 (c5.large): field networkBurstBasis: 'guessed' is not accepted; accepted: measured, "
            + "aws-range-top", HEADER.replace("\n", ",networkBurstBasis\n") + LARGE.replace("\n", ",guessed\n"));
    }

    private static void assertError(final String expected, final String csv)
    {
        final CatalogException ex =
            assertThrows(CatalogException.class, () -> InstanceCatalog.load("t.csv", new StringReader(csv)));
        assertEquals(expected, ex.getMessage());
    }

    @Test
    void shouldNumberRowsAsLinesOfTheFileAcrossCommentsBlankLinesAndQuotes()
    {
        assertError("t.csv row 5 (c5.large): field vcpus: 'two' is not a whole number",
            "# sources\n" + HEADER + "\n# more sources\n" + LARGE.replaceFirst(",2,", ",two,"));
        final InstanceCatalog quoted = InstanceCatalog.load("t.csv", new java.io.StringReader(
            HEADER + LARGE.replaceFirst("c5.large", "\"c5.large\"")));
        assertEquals(List.of("c5.large"), quoted.typeNames());
    }
}
