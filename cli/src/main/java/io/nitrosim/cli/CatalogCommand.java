package io.nitrosim.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.nitrosim.catalog.InstanceCatalog;
import io.nitrosim.catalog.InstanceType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code nitro-sim catalog}: the instance types and their caps, as a table or JSON. */
@Command(name = "catalog", mixinStandardHelpOptions = true,
    description = "Print the instance catalog (the EC2 C5 launch table) with bandwidth caps and burst durations.")
public final class CatalogCommand implements Callable<Integer>
{
    public enum Format
    {
        table, json
    }

    @Option(names = "--format", defaultValue = "table",
        description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final InstanceCatalog catalog = InstanceCatalog.c5();
        if (format == Format.json)
        {
            out.println(toJson(catalog));
        }
        else
        {
            printTable(catalog, out);
        }
        out.flush();
        return NitroSim.EXIT_OK;
    }

    static String toJson(final InstanceCatalog catalog) throws JsonProcessingException
    {
        final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        final ArrayNode array = mapper.createArrayNode();
        for (final InstanceType t : catalog.types())
        {
            final ObjectNode o = array.addObject();
            o.put("type", t.type());
            o.put("vcpus", t.vcpus());
            o.put("memoryGiB", t.memoryGiB());
            o.put("ebsPeakMbps", t.ebsPeakMbps());
            o.put("ebsBaselineMbps", t.ebsBaselineMbps());
            o.put("ebsPeakIops", t.ebsPeakIops());
            o.put("ebsBaselineIops", t.ebsBaselineIops());
            o.put("networkPeakGbps", t.networkPeakGbps());
            o.put("networkBaselineGbps", t.networkBaselineGbps());
            o.put("networkBurstSeconds", t.networkBurstSeconds());
            catalog.networkBurstBasis(t.type()).ifPresent(basis -> o.put("networkBurstBasis", basis));
            o.put("ebsBurstSeconds", t.ebsBurstSeconds());
            o.put("maxEnis", t.maxEnis());
        }
        return mapper.writeValueAsString(array);
    }

    private static void printTable(final InstanceCatalog catalog, final PrintWriter out)
    {
        final String format = "%-12s %5s %5s | %9s %9s %7s %7s %6s | %8s %8s %7s | %4s %5s%n";
        out.printf(format, "type", "vCPU", "GiB", "EBS Mbps", "baseline", "IOPS", "baseline", "burst",
            "net Gbps", "baseline", "burst", "ENIs", "IPv4");
        for (final InstanceType t : catalog.types())
        {
            out.printf(format, t.type(), t.vcpus(), t.memoryGiB(),
                (t.isEbsBurstable() ? "up to " : "") + t.ebsPeakMbps(), t.ebsBaselineMbps(),
                t.ebsPeakIops(), t.ebsBaselineIops(), burst(t.ebsBurstSeconds()),
                (t.isNetworkBurstable() ? "up to " : "") + t.networkPeakGbps().toPlainString(),
                t.networkBaselineGbps().toPlainString(), burst(t.networkBurstSeconds())
                    + (catalog.networkBurstBasis(t.type()).orElse("").equals("aws-range-top") ? "*" : ""),
                t.maxEnis(), t.ipv4PerEni());
        }
        out.println();
        out.println("Source: " + catalog.source() + " (EC2 C5 launch table, November 2017; baselines from AWS docs)."
            + " Bursts are from full credits at peak.");
        out.println("Network bursts are measurements except those marked *: the top of AWS's \"typically 5 to 60"
            + " minutes\", as no measurement was found.");
    }

    private static String burst(final long seconds)
    {
        return seconds == 0 ? "-" : (seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s");
    }
}
