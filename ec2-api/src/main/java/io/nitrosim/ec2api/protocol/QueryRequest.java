package io.nitrosim.ec2api.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;

/**
 * The parameters of one EC2 Query request (or of one structure inside it, such as {@code Filter.2}), with the
 * EC2 protocol's conventions: members by name, lists flattened as {@code Name.1}, {@code Name.2}, ... and
 * structures inside lists as {@code Name.N.Member}. Every accessor refuses bad input with EC2's error:
 * MissingParameter, InvalidParameterValue or the resource's {@code .Malformed} code.
 */
public final class QueryRequest
{
    private static final Pattern INDEX = Pattern.compile("[1-9][0-9]{0,5}");

    private final String prefix;
    private final Map<String, String> params;

    public QueryRequest(final Map<String, String> params)
    {
        this("", params);
    }

    private QueryRequest(final String prefix, final Map<String, String> params)
    {
        this.prefix = prefix;
        this.params = params;
    }

    /** Every parameter, in request order (the whole request, also for a nested structure). */
    public Map<String, String> all()
    {
        return Collections.unmodifiableMap(params);
    }

    public String action()
    {
        return params.get("Action");
    }

    public String string(final String name)
    {
        return params.get(prefix + name);
    }

    public boolean has(final String name)
    {
        return params.containsKey(prefix + name);
    }

    public String requireString(final String name)
    {
        final String value = string(name);
        if (value == null || value.isEmpty())
        {
            throw new Ec2Exception(Ec2Error.MISSING_PARAMETER,
                "The request must contain the parameter " + prefix + name);
        }
        return value;
    }

    public Integer integer(final String name)
    {
        final String value = string(name);
        if (value == null)
        {
            return null;
        }
        try
        {
            return Integer.valueOf(value.trim());
        }
        catch (final NumberFormatException ex)
        {
            throw invalid(name, value);
        }
    }

    public int integer(final String name, final int min, final int max, final int defaultValue)
    {
        final Integer value = integer(name);
        if (value == null)
        {
            return defaultValue;
        }
        if (value < min || value > max)
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, "Value (" + value + ") for parameter "
                + prefix + name + " is invalid. Expected a value between " + min + " and " + max + ".");
        }
        return value;
    }

    public int requireInteger(final String name)
    {
        requireString(name);
        return integer(name);
    }

    public boolean bool(final String name, final boolean defaultValue)
    {
        final String value = string(name);
        if (value == null)
        {
            return defaultValue;
        }
        if (value.equalsIgnoreCase("true"))
        {
            return true;
        }
        if (value.equalsIgnoreCase("false"))
        {
            return false;
        }
        throw invalid(name, value);
    }

    /** {@code name.1}, {@code name.2}, ... in index order. */
    public List<String> list(final String name)
    {
        final TreeMap<Integer, String> byIndex = new TreeMap<>();
        final String head = prefix + name + ".";
        for (final Map.Entry<String, String> e : params.entrySet())
        {
            final String key = e.getKey();
            if (key.startsWith(head))
            {
                final String rest = key.substring(head.length());
                if (INDEX.matcher(rest).matches())
                {
                    byIndex.put(Integer.parseInt(rest), e.getValue());
                }
            }
        }
        return new ArrayList<>(byIndex.values());
    }

    /** The structures {@code name.N.*}, in index order. */
    public List<QueryRequest> structures(final String name)
    {
        final TreeMap<Integer, QueryRequest> byIndex = new TreeMap<>();
        final String head = prefix + name + ".";
        for (final String key : params.keySet())
        {
            if (key.startsWith(head))
            {
                final String rest = key.substring(head.length());
                final int dot = rest.indexOf('.');
                if (dot > 0 && INDEX.matcher(rest.substring(0, dot)).matches())
                {
                    final int index = Integer.parseInt(rest.substring(0, dot));
                    byIndex.computeIfAbsent(index, i -> new QueryRequest(head + i + ".", params));
                }
            }
        }
        return new ArrayList<>(byIndex.values());
    }

    /** {@code Filter.N.Name} with {@code Filter.N.Value.M}. */
    public Map<String, List<String>> filters()
    {
        final Map<String, List<String>> filters = new LinkedHashMap<>();
        for (final QueryRequest f : structures("Filter"))
        {
            final String filterName = f.requireString("Name");
            final List<String> values = f.list("Value");
            if (values.isEmpty())
            {
                throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE,
                    "The filter '" + filterName + "' needs at least one value");
            }
            filters.computeIfAbsent(filterName, k -> new ArrayList<>()).addAll(values);
        }
        return filters;
    }

    public Ec2Exception invalid(final String name, final String value)
    {
        return new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE,
            "Invalid value '" + value + "' for " + prefix + name + ".");
    }

    // ---- resource ids ----

    /** The kinds of EC2 id this API takes, each with its prefix and its Malformed / NotFound errors. */
    public enum IdKind
    {
        INSTANCE("i", Ec2Error.INVALID_INSTANCE_ID_MALFORMED, Ec2Error.INVALID_INSTANCE_ID_NOT_FOUND),
        VOLUME("vol", Ec2Error.INVALID_VOLUME_ID_MALFORMED, Ec2Error.INVALID_VOLUME_NOT_FOUND),
        NETWORK_INTERFACE("eni", Ec2Error.INVALID_NETWORK_INTERFACE_ID_MALFORMED,
            Ec2Error.INVALID_NETWORK_INTERFACE_ID_NOT_FOUND),
        SECURITY_GROUP("sg", Ec2Error.INVALID_GROUP_ID_MALFORMED, Ec2Error.INVALID_GROUP_NOT_FOUND),
        SUBNET("subnet", Ec2Error.INVALID_SUBNET_ID_MALFORMED, Ec2Error.INVALID_SUBNET_ID_NOT_FOUND),
        VPC("vpc", Ec2Error.INVALID_VPC_ID_MALFORMED, Ec2Error.INVALID_VPC_ID_NOT_FOUND),
        ATTACHMENT("eni-attach", Ec2Error.INVALID_PARAMETER_VALUE, Ec2Error.INVALID_ATTACHMENT_ID_NOT_FOUND);

        private final String prefix;
        private final Pattern pattern;
        private final Ec2Error malformed;
        private final Ec2Error notFound;

        IdKind(final String prefix, final Ec2Error malformed, final Ec2Error notFound)
        {
            this.prefix = prefix;
            this.pattern = Pattern.compile(Pattern.quote(prefix) + "-([0-9a-f]{8}|[0-9a-f]{17})");
            this.malformed = malformed;
            this.notFound = notFound;
        }

        public String prefix()
        {
            return prefix;
        }

        public boolean matches(final String id)
        {
            return id != null && pattern.matcher(id).matches();
        }

        /** @return {@code id} if well formed; else EC2's Malformed error. */
        public String check(final String id)
        {
            if (!matches(id))
            {
                throw new Ec2Exception(malformed, "Invalid id: \"" + id + "\" (expecting \"" + prefix + "-...\")");
            }
            return id;
        }

        public Ec2Exception notFound(final String id)
        {
            return new Ec2Exception(notFound, switch (this)
            {
                case INSTANCE -> "The instance ID '" + id + "' does not exist";
                case VOLUME -> "The volume '" + id + "' does not exist.";
                case NETWORK_INTERFACE -> "The networkInterface ID '" + id + "' does not exist";
                case SECURITY_GROUP -> "The security group '" + id + "' does not exist";
                case SUBNET -> "The subnet ID '" + id + "' does not exist";
                case VPC -> "The vpc ID '" + id + "' does not exist";
                case ATTACHMENT -> "The attachment ID '" + id + "' does not exist";
            });
        }
    }

    public String requireId(final String name, final IdKind kind)
    {
        return kind.check(requireString(name));
    }

    public String id(final String name, final IdKind kind)
    {
        final String value = string(name);
        return value == null ? null : kind.check(value);
    }

    public List<String> ids(final String name, final IdKind kind)
    {
        final List<String> ids = list(name);
        for (final String id : ids)
        {
            kind.check(id);
        }
        return ids;
    }
}
