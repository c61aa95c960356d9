package io.nitrosim.simulator.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Reads a scenario file (YAML for .yaml/.yml, JSON for .json) strictly: unknown fields, wrong types and
 * syntax errors are reported with file, line and column; then {@link ScenarioValidator} checks the meaning.
 */
public final class ScenarioLoader
{
    private ScenarioLoader()
    {
    }

    /**
     * Reads and validates a scenario file. Only a regular file of at most {@link ScenarioLimits#MAX_FILE_BYTES} is
     * read: a FIFO, a device such as /dev/zero or a directory is refused at once, without reading.
     */
    public static Scenario load(final Path file)
    {
        final String name = MessageText.value(file);
        final boolean json = format(file);
        try (InputStream in = open(file))
        {
            return parse(name, in, json);
        }
        catch (final IOException ex)
        {
            throw new ScenarioException(name + ": cannot read: " + ex.getMessage());
        }
    }

    /** Whether the file is JSON (else YAML); refuses other extensions. */
    private static boolean format(final Path file)
    {
        final String name = file.toString();
        final boolean json = name.endsWith(".json");
        if (!json && !name.endsWith(".yaml") && !name.endsWith(".yml"))
        {
            throw new ScenarioException(MessageText.value(file)
                + ": unknown scenario format; accepted: .yaml, .yml or .json files");
        }
        return json;
    }

    private static InputStream open(final Path file) throws IOException
    {
        final String name = MessageText.value(file);
        if (!Files.exists(file))
        {
            throw new ScenarioException(name + ": no such file");
        }
        if (!Files.isRegularFile(file))
        {
            throw new ScenarioException(name + ": not a regular file; accepted: a scenario file of at most "
                + ScenarioLimits.MAX_FILE_BYTES / (1 << 20) + " MiB");
        }
        if (Files.size(file) > ScenarioLimits.MAX_FILE_BYTES)
        {
            throw new ScenarioException(name + ": " + Files.size(file) + " bytes, accepted at most "
                + ScenarioLimits.MAX_FILE_BYTES + " (" + ScenarioLimits.MAX_FILE_BYTES / (1 << 20) + " MiB)");
        }
        try
        {
            return Files.newInputStream(file);
        }
        catch (final NoSuchFileException ex)
        {
            throw new ScenarioException(name + ": no such file");
        }
    }

    /** Parses a scenario from a stream; {@code sourceName} is used in messages and {@code json} picks the format. */
    public static Scenario parse(final String sourceName, final InputStream in, final boolean json) throws IOException
    {
        final ObjectMapper mapper = mapper(json);
        final byte[] bytes = in.readNBytes((int)ScenarioLimits.MAX_FILE_BYTES + 1);
        if (bytes.length > ScenarioLimits.MAX_FILE_BYTES)
        {
            throw new ScenarioException(sourceName + ": more than " + ScenarioLimits.MAX_FILE_BYTES
                + " bytes, accepted at most " + ScenarioLimits.MAX_FILE_BYTES / (1 << 20) + " MiB");
        }
        final LocationIndex locations;
        try (com.fasterxml.jackson.core.JsonParser parser = mapper.getFactory().createParser(bytes))
        {
            locations = LocationIndex.of(parser);
        }
        final ScenarioSpec spec;
        try
        {
            spec = mapper.readValue(bytes, ScenarioSpec.class);
        }
        catch (final UnrecognizedPropertyException ex)
        {
            throw new ScenarioException(sourceName + locations.where(path(ex)) + ": " + path(ex) + ": unknown field "
                + MessageText.quoted(ex.getPropertyName()) + "; accepted: " + String.join(", ",
                ex.getKnownPropertyIds().stream().map(Object::toString).sorted().toList()));
        }
        catch (final InvalidFormatException ex)
        {
            throw new ScenarioException(sourceName + where(ex.getLocation()) + ": " + path(ex) + ": "
                + MessageText.quoted(ex.getValue()) + " is not " + describe(ex.getTargetType()));
        }
        catch (final MismatchedInputException ex)
        {
            throw new ScenarioException(sourceName + where(ex.getLocation()) + ": " + path(ex) + ": expected "
                + describe(ex.getTargetType()));
        }
        catch (final JsonParseException ex)
        {
            throw new ScenarioException(sourceName + where(ex.getLocation()) + ": syntax error: "
                + firstLine(ex.getOriginalMessage()));
        }
        catch (final JsonMappingException ex)
        {
            throw new ScenarioException(sourceName + where(ex.getLocation()) + ": " + path(ex) + ": "
                + firstLine(ex.getOriginalMessage()));
        }
        catch (final JsonProcessingException ex)
        {
            // e.g. a read constraint (nesting depth, number length) or a YAML limit (aliases)
            throw new ScenarioException(sourceName + where(ex.getLocation()) + ": cannot read: "
                + firstLine(ex.getOriginalMessage()));
        }
        return ScenarioValidator.validate(sourceName, spec, locations);
    }

    /** Reads a scenario file as a tree (for experiments that edit parameters before validation). */
    public static com.fasterxml.jackson.databind.JsonNode readTree(final Path file)
    {
        final String name = MessageText.value(file);
        final boolean json = format(file);
        try (InputStream in = open(file))
        {
            return mapper(json).readTree(in.readNBytes((int)ScenarioLimits.MAX_FILE_BYTES));
        }
        catch (final JsonParseException ex)
        {
            throw new ScenarioException(name + where(ex.getLocation()) + ": syntax error: "
                + firstLine(ex.getOriginalMessage()));
        }
        catch (final IOException ex)
        {
            throw new ScenarioException(name + ": cannot read: " + ex.getMessage());
        }
    }

    /** Binds and validates a scenario tree; {@code sourceName} is used in messages. */
    public static Scenario fromTree(final String sourceName, final com.fasterxml.jackson.databind.JsonNode tree)
    {
        final ScenarioSpec spec;
        try
        {
            spec = mapper(false).treeToValue(tree, ScenarioSpec.class);
        }
        catch (final UnrecognizedPropertyException ex)
        {
            throw new ScenarioException(sourceName + ": " + path(ex) + ": unknown field '" + ex.getPropertyName() + "'");
        }
        catch (final JsonMappingException ex)
        {
            throw new ScenarioException(sourceName + ": " + path(ex) + ": "
                + ex.getOriginalMessage().lines().findFirst().orElse("").trim());
        }
        catch (final IOException ex)
        {
            throw new ScenarioException(sourceName + ": " + ex.getMessage());
        }
        return ScenarioValidator.validate(sourceName, spec);
    }

    static ObjectMapper mapper(final boolean json)
    {
        final ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
        return mapper
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    private static String firstLine(final String message)
    {
        return message == null ? "" : message.lines().findFirst().orElse("").trim();
    }

    private static String where(final JsonLocation location)
    {
        if (location == null || location.getLineNr() < 1)
        {
            return "";
        }
        return ":" + location.getLineNr() + ":" + location.getColumnNr();
    }

    private static String path(final JsonMappingException ex)
    {
        final StringBuilder sb = new StringBuilder();
        for (final JsonMappingException.Reference ref : ex.getPath())
        {
            if (ref.getFieldName() != null)
            {
                if (sb.length() > 0)
                {
                    sb.append('.');
                }
                sb.append(MessageText.value(ref.getFieldName()));
            }
            else if (ref.getIndex() >= 0)
            {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(top level)" : sb.toString();
    }

    private static String describe(final Class<?> type)
    {
        if (type == null)
        {
            return "a different value";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class)
        {
            return "a whole number";
        }
        if (type == Double.class || type == double.class)
        {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class)
        {
            return "true or false";
        }
        if (type == String.class)
        {
            return "a text value";
        }
        if (java.util.List.class.isAssignableFrom(type))
        {
            return "a list";
        }
        if (java.util.Map.class.isAssignableFrom(type) || type.isRecord())
        {
            return "a mapping of fields";
        }
        return "a " + type.getSimpleName();
    }
}
