package io.nitrosim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

class CatalogCommandTest
{
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args)
    {
        return NitroSim.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void shouldPrintJsonWithExactlyTheAgreedFields() throws Exception
    {
        assertEquals(0, run("catalog", "--format", "json"));
        final JsonNode array = new ObjectMapper().readTree(out.toString());
        assertEquals(6, array.size());
        final List<String> fields = new ArrayList<>();
        array.get(0).fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("type", "vcpus", "memoryGiB", "ebsPeakMbps", "ebsBaselineMbps", "ebsPeakIops",
            "ebsBaselineIops", "networkPeakGbps", "networkBaselineGbps", "networkBurstSeconds", "networkBurstBasis",
            "ebsBurstSeconds", "maxEnis"), fields);

        final JsonNode large = array.get(0);
        assertEquals("c5.large", large.get("type").asText());
        assertEquals(2, large.get("vcpus").asInt());
        assertEquals(0.75, large.get("networkBaselineGbps").asDouble());
        assertEquals(420, large.get("networkBurstSeconds").asInt());
        assertEquals(1800, large.get("ebsBurstSeconds").asInt());

        final long[] netBursts = new long[6];
        final long[] ebsBursts = new long[6];
        for (int i = 0; i < 6; i++)
        {
            netBursts[i] = array.get(i).get("networkBurstSeconds").asLong();
            ebsBursts[i] = array.get(i).get("ebsBurstSeconds").asLong();
        }
        assertEquals(List.of(420L, 780L, 1560L, 3600L, 0L, 0L), List.of(netBursts[0], netBursts[1], netBursts[2],
            netBursts[3], netBursts[4], netBursts[5]));
        assertEquals(List.of(1800L, 1800L, 1800L, 0L, 0L, 0L), List.of(ebsBursts[0], ebsBursts[1], ebsBursts[2],
            ebsBursts[3], ebsBursts[4], ebsBursts[5]));
        assertEquals("measured", large.get("networkBurstBasis").asText());
        assertEquals("aws-range-top", array.get(3).get("networkBurstBasis").asText());
        final JsonNode big = array.get(5);
        assertEquals("c5.18xlarge", big.get("type").asText());
        assertEquals(25, big.get("networkPeakGbps").asInt());
        assertEquals(9000, big.get("ebsPeakMbps").asInt());
        assertEquals(15, big.get("maxEnis").asInt());
    }

    @Test
    void shouldPrintATableForPeople()
    {
        assertEquals(0, run("catalog"));
        final String[] lines = out.toString().split("\n");
        assertTrue(lines[0].startsWith("type"), lines[0]);
        assertTrue(lines[1].startsWith("c5.large "), lines[1]);
        assertTrue(lines[1].contains("up to 2250"), lines[1]);
        assertTrue(lines[1].contains("up to 10"), lines[1]);
        assertTrue(lines[1].contains("7 min"), lines[1]);
        assertTrue(lines[6].startsWith("c5.18xlarge"), lines[6]);
        assertTrue(lines[4].startsWith("c5.4xlarge") && lines[4].contains("60 min*"), lines[4]);
        assertTrue(!lines[1].contains("*"), lines[1]);
        assertTrue(out.toString().contains("Network bursts are measurements except those marked *"), out.toString());
    }

    @Test
    void shouldRefuseAnUnknownFormatWithExitCode2()
    {
        assertEquals(2, run("catalog", "--format", "xml"));
        assertEquals("", out.toString());
        assertTrue(err.toString().startsWith("nitro-sim: Invalid value for option '--format': expected one of "
            + "[table, json] (case-sensitive) but was 'xml'"), err.toString());
    }

    @Test
    void shouldRefuseAnUnknownCommandWithExitCode2()
    {
        assertEquals(2, run("catalogue"));
        assertTrue(err.toString().contains("catalogue"), err.toString());
    }
}
