package io.nitrosim.simulator.experiment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.JsonNode;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.simulator.scenario.Scenario;

/**
 * What a sweep expectation's bound may name at one point:
 * <ul>
 * <li>{@code peak}, {@code baseline}, {@code burst}: the cap and burst seconds of the expectation's quantity for
 * its subject's instance type (network in Gbps, EBS in Mbps or IOPS), as the scenario's overrides leave them;</li>
 * <li>{@code type.<field>}: a catalog value of that instance type ({@link #TYPE_FIELDS});</li>
 * <li>{@code flowLimit} (Gbps per flow), {@code duration} and {@code sampleInterval} (s): the scenario's;</li>
 * <li>{@code ${parameter}}: the point's value of a swept parameter, by its name or its path.</li>
 * </ul>
 */
final class PointNames implements BoundExpression.Names
{
    static final Map<String, ToDoubleFunction<InstanceType>> TYPE_FIELDS = new LinkedHashMap<>();

    static
    {
        TYPE_FIELDS.put("type.vcpus", InstanceType::vcpus);
        TYPE_FIELDS.put("type.memoryGiB", InstanceType::memoryGiB);
        TYPE_FIELDS.put("type.networkPeakGbps", t -> t.networkPeakGbps().doubleValue());
        TYPE_FIELDS.put("type.networkBaselineGbps", t -> t.networkBaselineGbps().doubleValue());
        TYPE_FIELDS.put("type.networkBurstSeconds", InstanceType::networkBurstSeconds);
        TYPE_FIELDS.put("type.ebsPeakMbps", InstanceType::ebsPeakMbps);
        TYPE_FIELDS.put("type.ebsBaselineMbps", InstanceType::ebsBaselineMbps);
        TYPE_FIELDS.put("type.ebsPeakIops", InstanceType::ebsPeakIops);
        TYPE_FIELDS.put("type.ebsBaselineIops", InstanceType::ebsBaselineIops);
        TYPE_FIELDS.put("type.ebsBurstSeconds", InstanceType::ebsBurstSeconds);
    }

    private static final double BITS_PER_BYTE = 8;
    private static final double NS_PER_S = 1e9;

    private final Scenario scenario;
    private final Map<String, JsonNode> parameters;
    private final String quantity;
    private final InstanceType type;

    /**
     * @param scenario   the point's validated scenario.
     * @param parameters the point's parameter values by name and by path.
     * @param quantity   the expectation's quantity (net-out, ebs-mbps, ...), or null when it has none.
     * @param type       the instance type of the expectation's subject, or null when it has none.
     */
    PointNames(final Scenario scenario, final Map<String, JsonNode> parameters, final String quantity,
        final InstanceType type)
    {
        this.scenario = scenario;
        this.parameters = parameters;
        this.quantity = quantity;
        this.type = type;
    }

    /** The instance type behind an expectation's subject: the instance, a volume's instance, a workload's sender. */
    static InstanceType typeOf(final Scenario scenario, final String subjectField, final String subject)
    {
        String instance = null;
        if (subjectField.equals("instance"))
        {
            instance = subject;
        }
        else if (subjectField.equals("volume"))
        {
            for (final Scenario.Instance i : scenario.instances())
            {
                for (final Scenario.Volume v : i.volumes())
                {
                    if (v.name().equals(subject))
                    {
                        instance = i.name();
                    }
                }
            }
        }
        else
        {
            for (final Scenario.Workload w : scenario.workloads())
            {
                if (w.name().equals(subject))
                {
                    instance = w instanceof Scenario.IperfWorkload ? ((Scenario.IperfWorkload)w).from() :
                        ((Scenario.FioWorkload)w).instance();
                }
            }
        }
        for (final Scenario.Instance i : scenario.instances())
        {
            if (i.name().equals(instance))
            {
                return i.type();
            }
        }
        return null;
    }

    @Override
    public double name(final String name)
    {
        switch (name)
        {
            case "peak":
            case "baseline":
            case "burst":
                return cap(name);
            case "flowLimit":
                return scenario.network().flowLimitBytesPerSec() * BITS_PER_BYTE / NS_PER_S;
            case "duration":
                return scenario.durationNs() / NS_PER_S;
            case "sampleInterval":
                return scenario.sampleIntervalNs() / NS_PER_S;
            default:
                final ToDoubleFunction<InstanceType> field = TYPE_FIELDS.get(name);
                if (field == null)
                {
                    throw new IllegalArgumentException("'" + name + "' is not a name a bound may use; accepted: peak, "
                        + "baseline, burst, flowLimit, duration, sampleInterval, " + String.join(", ", TYPE_FIELDS.keySet())
                        + " and ${parameter}");
                }
                return field.applyAsDouble(requireType(name));
        }
    }

    private double cap(final String name)
    {
        final InstanceType t = requireType(name);
        if (quantity == null || quantity.startsWith("volume-"))
        {
            throw new IllegalArgumentException("'" + name + "' is defined for network and instance EBS metrics, not "
                + "for this one; use a number, a type.<field> or a ${parameter}");
        }
        final boolean network = quantity.startsWith("net-");
        final boolean iops = quantity.equals("ebs-iops");
        switch (name)
        {
            case "peak":
                return network ? t.networkPeakGbps().doubleValue() : iops ? t.ebsPeakIops() : t.ebsPeakMbps();
            case "baseline":
                return network ? t.networkBaselineGbps().doubleValue() : iops ? t.ebsBaselineIops() :
                    t.ebsBaselineMbps();
            default:
                return network ? t.networkBurstSeconds() : t.ebsBurstSeconds();
        }
    }

    private InstanceType requireType(final String name)
    {
        if (type == null)
        {
            throw new IllegalArgumentException("'" + name + "' needs an instance behind the expectation's subject");
        }
        return type;
    }

    @Override
    public double parameter(final String parameter)
    {
        final JsonNode value = parameters.get(parameter);
        if (value == null)
        {
            throw new IllegalArgumentException("${" + parameter + "} is not a swept parameter; the parameters are "
                + String.join(", ", List.copyOf(parameters.keySet())));
        }
        if (value.isNumber())
        {
            return value.doubleValue();
        }
        try
        {
            return Double.parseDouble(value.asText());
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("${" + parameter + "} is '" + value.asText() + "' here, not a number");
        }
    }
}
