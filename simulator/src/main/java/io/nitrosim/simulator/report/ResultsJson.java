package io.nitrosim.simulator.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

import io.nitrosim.simulator.results.ExperimentResults;
import io.nitrosim.simulator.results.RunResults;

/**
 * results.json and experiment.json: the result records as pretty JSON with '\n' line ends on every platform,
 * fields in record-component order, maps in insertion order; reading rejects unknown fields.
 */
public final class ResultsJson
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private static final ObjectWriter WRITER;

    static
    {
        final DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
        WRITER = MAPPER.writer(new DefaultPrettyPrinter()
            .withObjectIndenter(indenter)
            .withArrayIndenter(indenter));
    }

    private ResultsJson()
    {
    }

    /** The configured mapper (shared, thread-safe once configured; do not reconfigure). */
    public static ObjectMapper mapper()
    {
        return MAPPER;
    }

    /** Pretty JSON of any result record, ending with a newline. */
    public static String toJson(final Object value)
    {
        try
        {
            return WRITER.writeValueAsString(value) + "\n";
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), ex);
        }
    }

    public static void write(final Object value, final Path file) throws IOException
    {
        Files.writeString(file, toJson(value), StandardCharsets.UTF_8);
    }

    public static RunResults parseRun(final String json) throws IOException
    {
        return MAPPER.readValue(json, RunResults.class);
    }

    public static RunResults readRun(final Path file) throws IOException
    {
        return parseRun(Files.readString(file, StandardCharsets.UTF_8));
    }

    public static ExperimentResults parseExperiment(final String json) throws IOException
    {
        return MAPPER.readValue(json, ExperimentResults.class);
    }

    public static ExperimentResults readExperiment(final Path file) throws IOException
    {
        return parseExperiment(Files.readString(file, StandardCharsets.UTF_8));
    }
}
