package io.nitrosim.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

/**
 * The instance types the product knows, loaded from a CSV data resource and validated as a whole at start.
 * <p>
 * File format: lines starting with '#' are comments (the sources live there); the first other line is the
 * header naming the columns (any order); each further line is one type. Every error names the file, the row
 * (1-based line number) and the field.
 */
public final class InstanceCatalog
{
    public static final String C5_RESOURCE = "c5.csv";

    static final List<String> REQUIRED_FIELDS = List.of(
        "type", "vcpus", "memoryGiB", "ebsPeakMbps", "ebsBaselineMbps", "ebsPeakIops", "ebsBaselineIops",
        "networkPeakGbps", "networkBaselineGbps", "networkBurstSeconds", "ebsBurstSeconds", "maxEnis", "ipv4PerEni");

    /**
     * Optional: where a network burst length comes from, {@code measured} or {@code aws-range-top} (AWS's "typically
     * 5 to 60 minutes" upper end, used where no measurement exists), so output can tell a reader which is which.
     */
    static final String NETWORK_BURST_BASIS = "networkBurstBasis";

    /** Every field a header may name. */
    static final List<String> ACCEPTED_FIELDS = java.util.stream.Stream.concat(REQUIRED_FIELDS.stream(),
        java.util.stream.Stream.of(NETWORK_BURST_BASIS)).toList();

    /** Values {@link #NETWORK_BURST_BASIS} accepts. */
    public static final List<String> NETWORK_BURST_BASES = List.of("measured", "aws-range-top");

    /** Rows as arrays of trimmed cells; '#' lines are comments, blank lines are skipped. */
    private static final CsvMapper CSV = CsvMapper.builder()
        .enable(CsvParser.Feature.WRAP_AS_ARRAY)
        .enable(CsvParser.Feature.ALLOW_COMMENTS)
        .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
        .enable(CsvParser.Feature.TRIM_SPACES)
        .build();

    private static volatile InstanceCatalog c5;

    private final String source;
    private final Map<String, InstanceType> types;
    private final Map<String, String> networkBurstBasis;

    private InstanceCatalog(
        final String source, final Map<String, InstanceType> types, final Map<String, String> networkBurstBasis)
    {
        this.source = source;
        this.types = Collections.unmodifiableMap(types);
        this.networkBurstBasis = Collections.unmodifiableMap(networkBurstBasis);
    }

    /** The embedded C5 launch table. */
    public static InstanceCatalog c5()
    {
        InstanceCatalog catalog = c5;
        if (catalog == null)
        {
            try (InputStream in = InstanceCatalog.class.getResourceAsStream(C5_RESOURCE))
            {
                if (in == null)
                {
                    throw new CatalogException(C5_RESOURCE + ": embedded catalog resource is missing from the build");
                }
                catalog = load(C5_RESOURCE, new InputStreamReader(in, StandardCharsets.UTF_8));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            c5 = catalog;
        }
        return catalog;
    }

    /** Parses and validates a catalog; {@code sourceName} is used in error messages. */
    public static InstanceCatalog load(final String sourceName, final Reader reader)
    {
        final Map<String, InstanceType> types = new LinkedHashMap<>();
        final Map<String, String> burstBasis = new LinkedHashMap<>();
        Map<String, Integer> columns = null;
        try (MappingIterator<String[]> rows = CSV.readerFor(String[].class).readValues(reader))
        {
            while (rows.hasNextValue())
            {
                final String[] cells = rows.nextValue();
                final int row = rows.getParser().currentTokenLocation().getLineNr();
                if (columns == null)
                {
                    columns = parseHeader(sourceName, row, cells);
                    continue;
                }
                final InstanceType type = parseRow(sourceName, row, cells, columns);
                if (types.containsKey(type.type()))
                {
                    throw new CatalogException(sourceName + " row " + row + " (" + type.type()
                        + "): field type: duplicate instance type '" + type.type() + "'");
                }
                types.put(type.type(), type);
                if (columns.containsKey(NETWORK_BURST_BASIS) && type.isNetworkBurstable())
                {
                    final RowReader r = new RowReader(sourceName, row, cells, columns);
                    r.name = type.type();
                    final String basis = r.text(NETWORK_BURST_BASIS);
                    if (!NETWORK_BURST_BASES.contains(basis))
                    {
                        throw r.error(NETWORK_BURST_BASIS, "'" + basis + "' is not accepted; accepted: "
                            + String.join(", ", NETWORK_BURST_BASES));
                    }
                    burstBasis.put(type.type(), basis);
                }
            }
        }
        catch (final IOException | RuntimeJsonMappingException ex)
        {
            throw new CatalogException(sourceName + ": cannot read: " + ex.getMessage().lines().findFirst().orElse(""));
        }
        if (columns == null)
        {
            throw new CatalogException(sourceName + ": no header line naming the fields " + REQUIRED_FIELDS);
        }
        if (types.isEmpty())
        {
            throw new CatalogException(sourceName + ": no instance types");
        }
        return new InstanceCatalog(sourceName, types, burstBasis);
    }

    private static Map<String, Integer> parseHeader(final String source, final int row, final String[] cells)
    {
        final Map<String, Integer> columns = new LinkedHashMap<>();
        for (int i = 0; i < cells.length; i++)
        {
            final String name = cells[i].trim();
            if (!ACCEPTED_FIELDS.contains(name))
            {
                throw new CatalogException(source + " row " + row + ": field '" + name
                    + "' is not a catalog field; accepted: " + ACCEPTED_FIELDS);
            }
            if (columns.put(name, i) != null)
            {
                throw new CatalogException(source + " row " + row + ": field '" + name + "' appears twice in the header");
            }
        }
        for (final String required : REQUIRED_FIELDS)
        {
            if (!columns.containsKey(required))
            {
                throw new CatalogException(source + " row " + row + ": field " + required + " is missing from the header");
            }
        }
        return columns;
    }

    private static InstanceType parseRow(
        final String source, final int row, final String[] cells, final Map<String, Integer> columns)
    {
        final RowReader r = new RowReader(source, row, cells, columns);
        final String name = r.text("type");
        r.name = name;
        final int vcpus = (int)r.positive("vcpus");
        final int memoryGiB = (int)r.positive("memoryGiB");
        final long ebsPeakMbps = r.positive("ebsPeakMbps");
        final long ebsBaselineMbps = r.positive("ebsBaselineMbps");
        final long ebsPeakIops = r.positive("ebsPeakIops");
        final long ebsBaselineIops = r.positive("ebsBaselineIops");
        final BigDecimal netPeak = r.positiveDecimal("networkPeakGbps");
        final BigDecimal netBaseline = r.positiveDecimal("networkBaselineGbps");
        final long netBurst = r.nonNegative("networkBurstSeconds");
        final long ebsBurst = r.nonNegative("ebsBurstSeconds");
        final int maxEnis = (int)r.positive("maxEnis");
        final int ipv4PerEni = (int)r.positive("ipv4PerEni");

        r.notAbove("ebsBaselineMbps", ebsBaselineMbps, "ebsPeakMbps", ebsPeakMbps);
        r.notAbove("ebsBaselineIops", ebsBaselineIops, "ebsPeakIops", ebsPeakIops);
        if (netBaseline.compareTo(netPeak) > 0)
        {
            throw r.error("networkBaselineGbps", netBaseline.toPlainString() + " is above networkPeakGbps "
                + netPeak.toPlainString());
        }
        r.burstConsistent("networkBurstSeconds", netBurst, netBaseline.compareTo(netPeak) < 0);
        r.burstConsistent("ebsBurstSeconds", ebsBurst, ebsBaselineMbps < ebsPeakMbps || ebsBaselineIops < ebsPeakIops);
        checkWholeBytes(r, "networkPeakGbps", netPeak);
        checkWholeBytes(r, "networkBaselineGbps", netBaseline);
        return new InstanceType(name, vcpus, memoryGiB, ebsPeakMbps, ebsBaselineMbps, ebsPeakIops, ebsBaselineIops,
            netPeak, netBaseline, netBurst, ebsBurst, maxEnis, ipv4PerEni);
    }

    private static void checkWholeBytes(final RowReader r, final String field, final BigDecimal gbps)
    {
        try
        {
            gbps.multiply(BigDecimal.valueOf(125_000_000L)).longValueExact();
        }
        catch (final ArithmeticException ex)
        {
            throw r.error(field, gbps.toPlainString() + " Gbps is not a whole number of bytes per second");
        }
    }

    /**
     * Where a burstable type's network burst length comes from ({@link #NETWORK_BURST_BASES}), or empty when the
     * catalog does not say or the type does not burst.
     */
    public Optional<String> networkBurstBasis(final String type)
    {
        return Optional.ofNullable(networkBurstBasis.get(type));
    }

    public String source()
    {
        return source;
    }

    /** All types in file order. */
    public List<InstanceType> types()
    {
        return List.copyOf(types.values());
    }

    public List<String> typeNames()
    {
        return new ArrayList<>(types.keySet());
    }

    public Optional<InstanceType> find(final String type)
    {
        return Optional.ofNullable(types.get(type));
    }

    /** @throws UnknownInstanceTypeException naming the valid types. */
    public InstanceType require(final String type)
    {
        final InstanceType t = types.get(type);
        if (t == null)
        {
            throw new UnknownInstanceTypeException(type, typeNames());
        }
        return t;
    }

    private static final class RowReader
    {
        private final String source;
        private final int row;
        private final String[] cells;
        private final Map<String, Integer> columns;
        String name;

        RowReader(final String source, final int row, final String[] cells, final Map<String, Integer> columns)
        {
            this.source = source;
            this.row = row;
            this.cells = cells;
            this.columns = columns;
        }

        CatalogException error(final String field, final String problem)
        {
            return new CatalogException(source + " row " + row + (name == null ? "" : " (" + name + ")")
                + ": field " + field + ": " + problem);
        }

        String text(final String field)
        {
            final int column = columns.get(field);
            if (column >= cells.length || cells[column].trim().isEmpty())
            {
                throw error(field, "missing value");
            }
            return cells[column].trim();
        }

        long nonNegative(final String field)
        {
            final String value = text(field);
            final long v;
            try
            {
                v = Long.parseLong(value);
            }
            catch (final NumberFormatException ex)
            {
                throw error(field, "'" + value + "' is not a whole number");
            }
            if (v < 0)
            {
                throw error(field, v + " must not be negative");
            }
            return v;
        }

        long positive(final String field)
        {
            final long v = nonNegative(field);
            if (v == 0)
            {
                throw error(field, v + " must be positive");
            }
            return v;
        }

        BigDecimal positiveDecimal(final String field)
        {
            final String value = text(field);
            final BigDecimal v;
            try
            {
                v = new BigDecimal(value);
            }
            catch (final NumberFormatException ex)
            {
                throw error(field, "'" + value + "' is not a number");
            }
            if (v.signum() <= 0)
            {
                throw error(field, value + " must be positive");
            }
            return v;
        }

        void notAbove(final String field, final long value, final String peakField, final long peak)
        {
            if (value > peak)
            {
                throw error(field, value + " is above " + peakField + " " + peak);
            }
        }

        void burstConsistent(final String field, final long burstSeconds, final boolean upTo)
        {
            if (upTo && burstSeconds == 0)
            {
                throw error(field, "0, but the baseline is below the peak: an \"up to\" type needs a burst duration");
            }
            if (!upTo && burstSeconds != 0)
            {
                throw error(field, burstSeconds + ", but the baseline equals the peak: must be 0");
            }
        }
    }
}
