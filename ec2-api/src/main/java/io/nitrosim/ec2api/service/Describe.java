package io.nitrosim.ec2api.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ec2api.protocol.QueryRequest;

/**
 * What every Describe action shares: EC2 filters ({@code Filter.N.Name} with {@code Filter.N.Value.M}; a
 * resource matches when, for every filter, one of its values matches one of the filter's values, where
 * {@code *} and {@code ?} are wildcards; {@code tag:KEY}, {@code tag-key} and {@code tag-value} on every
 * taggable resource) and paging ({@code MaxResults}, {@code NextToken}).
 */
final class Describe
{
    private static final String TOKEN_PREFIX = "nitro-sim-page-";

    private Describe()
    {
    }

    /** The values a resource has for a filter name, or null when the resource type has no such filter. */
    @FunctionalInterface
    interface FilterValues<T>
    {
        List<String> of(T resource, String filterName);
    }

    /** One page of results and the token of the next, or null. */
    record Page<T>(List<T> items, String nextToken)
    {
    }

    /**
     * Applies the request's filters.
     *
     * @param names   the filter names this resource type has (tag filters aside), for the error message.
     * @param tagsOf  the resource's tags, or null when it has none.
     */
    static <T> List<T> filter(final List<T> all, final QueryRequest request, final Set<String> names,
        final FilterValues<T> values, final Function<T, Map<String, String>> tagsOf)
    {
        final Map<String, List<String>> filters = request.filters();
        for (final String name : filters.keySet())
        {
            final boolean tagFilter = tagsOf != null && (name.startsWith("tag:") || name.equals("tag-key")
                || name.equals("tag-value"));
            if (!tagFilter && !names.contains(name))
            {
                throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, "The filter '" + name + "' is invalid");
            }
        }
        if (filters.isEmpty())
        {
            return all;
        }
        final List<T> kept = new ArrayList<>();
        for (final T resource : all)
        {
            boolean matches = true;
            for (final Map.Entry<String, List<String>> f : filters.entrySet())
            {
                final List<String> have = valuesOf(resource, f.getKey(), values, tagsOf);
                if (!anyMatch(have, f.getValue()))
                {
                    matches = false;
                    break;
                }
            }
            if (matches)
            {
                kept.add(resource);
            }
        }
        return kept;
    }

    private static <T> List<String> valuesOf(final T resource, final String name, final FilterValues<T> values,
        final Function<T, Map<String, String>> tagsOf)
    {
        if (tagsOf != null)
        {
            final Map<String, String> tags = tagsOf.apply(resource);
            if (name.startsWith("tag:"))
            {
                final String value = tags.get(name.substring(4));
                return value == null ? List.of() : List.of(value);
            }
            if (name.equals("tag-key"))
            {
                return List.copyOf(tags.keySet());
            }
            if (name.equals("tag-value"))
            {
                return List.copyOf(tags.values());
            }
        }
        final List<String> v = values.of(resource, name);
        return v == null ? List.of() : v;
    }

    private static boolean anyMatch(final List<String> have, final List<String> wanted)
    {
        for (final String w : wanted)
        {
            final Pattern glob = glob(w);
            for (final String h : have)
            {
                if (h != null && glob.matcher(h).matches())
                {
                    return true;
                }
            }
        }
        return false;
    }

    /** EC2's filter wildcards: {@code *} any run, {@code ?} one character, {@code \} escapes. */
    static Pattern glob(final String value)
    {
        final StringBuilder regex = new StringBuilder();
        for (int i = 0; i < value.length(); i++)
        {
            final char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length())
            {
                regex.append(Pattern.quote(String.valueOf(value.charAt(++i))));
            }
            else if (c == '*')
            {
                regex.append(".*");
            }
            else if (c == '?')
            {
                regex.append('.');
            }
            else
            {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /**
     * One page: {@code MaxResults} (in {@code [minResults, maxResults]}; absent = everything) from the position
     * {@code NextToken} names.
     */
    static <T> Page<T> page(final List<T> all, final QueryRequest request, final int minResults, final int maxResults)
    {
        final Integer max = request.has("MaxResults") ?
            request.integer("MaxResults", minResults, maxResults, maxResults) : null;
        final String token = request.string("NextToken");
        int from = 0;
        if (token != null && !token.isEmpty())
        {
            from = parseToken(token, all.size());
        }
        final int to = max == null ? all.size() : Math.min(all.size(), from + max);
        return new Page<>(all.subList(from, to), to < all.size() ? TOKEN_PREFIX + to : null);
    }

    private static int parseToken(final String token, final int size)
    {
        if (token.startsWith(TOKEN_PREFIX))
        {
            try
            {
                final int offset = Integer.parseInt(token.substring(TOKEN_PREFIX.length()));
                if (offset > 0 && offset <= size)
                {
                    return offset;
                }
            }
            catch (final NumberFormatException ex)
            {
                // refused below
            }
        }
        throw new Ec2Exception(Ec2Error.INVALID_PAGINATION_TOKEN, "Invalid NextToken: '" + token + "'");
    }

    /** Only the listed ids (all when none are listed); an unknown one is refused with its NotFound error. */
    static <T> List<T> byIds(final List<String> ids, final Map<String, T> all,
        final Function<String, RuntimeException> notFound)
    {
        if (ids.isEmpty())
        {
            return new ArrayList<>(all.values());
        }
        final List<T> result = new ArrayList<>();
        for (final String id : ids)
        {
            final T item = all.get(id);
            if (item == null)
            {
                throw notFound.apply(id);
            }
            if (!result.contains(item))
            {
                result.add(item);
            }
        }
        return result;
    }
}
