package io.nitrosim.simulator.trace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.nitrosim.pci.trace.TraceKind;
import io.nitrosim.pci.trace.TraceRecord;

/**
 * What a trace directory's {@value #FILE} says about its records: the scenario and seed, the kinds recorded, and
 * the names behind the record's instance and function numbers (instance: index in the scenario; function: PCI
 * device number on the instance's bus).
 */
public record TraceMeta(
    int format, int recordLength, String scenario, long seed, List<String> events, List<String> kinds,
    List<InstanceName> instances, List<FunctionName> functions)
{
    public static final String FILE = "trace.json";
    public static final int FORMAT = 1;

    /** An instance of the traced scenario. */
    public record InstanceName(int index, String name, String id)
    {
    }

    /** A traced PCI function: {@code device} is {@code ena} or {@code nvme}; {@code name} the ENI or volume name. */
    public record FunctionName(int instance, int function, String name, String device)
    {
    }

    private static final ObjectMapper JSON = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public static TraceMeta of(final String scenario, final long seed, final List<String> events,
        final List<InstanceName> instances, final List<FunctionName> functions)
    {
        return new TraceMeta(FORMAT, TraceRecord.LENGTH, scenario, seed, List.copyOf(events), TraceKind.names(),
            List.copyOf(instances), List.copyOf(functions));
    }

    void write(final Path dir) throws IOException
    {
        Files.writeString(dir.resolve(FILE), JSON.writeValueAsString(this) + "\n");
    }

    /** Reads {@code dir}/{@value #FILE}; a missing or unreadable one is a {@link TraceException}. */
    static TraceMeta read(final Path dir)
    {
        final Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file))
        {
            throw new TraceException(dir + " is not a trace directory (no " + FILE + "); record one with "
                + "nitro-sim run SCENARIO --trace DIR");
        }
        final TraceMeta meta;
        try
        {
            meta = JSON.readValue(Files.readString(file), TraceMeta.class);
        }
        catch (final JsonProcessingException ex)
        {
            throw new TraceException(file + ": not a trace description (" + ex.getOriginalMessage() + ")");
        }
        catch (final IOException ex)
        {
            throw new TraceException(file + ": cannot be read (" + ex.getMessage() + ")");
        }
        if (meta.format() != FORMAT || meta.recordLength() != TraceRecord.LENGTH)
        {
            throw new TraceException(file + ": trace format " + meta.format() + " with " + meta.recordLength()
                + "-byte records; this version reads format " + FORMAT + " with " + TraceRecord.LENGTH + "-byte records");
        }
        return meta;
    }

    /** The instance's scenario name, or {@code #N}. */
    public String instanceName(final int instance)
    {
        for (final InstanceName i : instances)
        {
            if (i.index() == instance)
            {
                return i.name();
            }
        }
        return instance < 0 ? "-" : "#" + instance;
    }

    /** The function's ENI or volume name, {@code hypervisor} for an instance's vCPU events, or {@code dev N}. */
    public String functionName(final int instance, final int function)
    {
        final FunctionName f = function(instance, function);
        return f != null ? f.name() : function < 0 ? (instance >= 0 ? "hypervisor" : "-") : "dev " + function;
    }

    public FunctionName function(final int instance, final int function)
    {
        for (final FunctionName f : functions)
        {
            if (f.instance() == instance && f.function() == function)
            {
                return f;
            }
        }
        return null;
    }

    /**
     * Whether the vCPU tracks come from the hypervisor's own records ({@code vcpu-interrupt}, recorded by this trace)
     * rather than from the MSI-X messages' destination.
     */
    public boolean hasHypervisorVcpus()
    {
        return kinds.contains(TraceKind.name(TraceKind.VCPU_INTERRUPT))
            && (TraceKind.mask(events) & (1L << TraceKind.VCPU_INTERRUPT)) != 0;
    }

    /** "a/a-eth0": instance and function names of a record. */
    public String where(final int instance, final int function)
    {
        return instanceName(instance) + "/" + functionName(instance, function);
    }
}
