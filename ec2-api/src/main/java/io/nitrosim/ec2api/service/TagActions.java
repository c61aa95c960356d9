package io.nitrosim.ec2api.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ec2api.protocol.QueryRequest;
import io.nitrosim.ec2api.protocol.QueryRequest.IdKind;
import io.nitrosim.ec2api.protocol.Xml;

/** CreateTags, DeleteTags, DescribeTags, and the TagSpecification of the Create and Run actions. */
final class TagActions
{
    private static final Set<String> RESOURCE_TYPES = Set.of("instance", "volume", "network-interface",
        "security-group", "subnet", "vpc");
    private static final int MAX_TAGS = 50;

    private TagActions()
    {
    }

    static void register(final Map<String, Ec2Service.Action> actions)
    {
        actions.put("CreateTags", new Ec2Service.Action(true, TagActions::createTags));
        actions.put("DeleteTags", new Ec2Service.Action(true, TagActions::deleteTags));
        actions.put("DescribeTags", new Ec2Service.Action(false, TagActions::describeTags));
    }

    /** {@code TagSpecification.N.ResourceType} with {@code TagSpecification.N.Tag.M.Key/Value}, by resource type. */
    static Map<String, Map<String, String>> tagSpecifications(final QueryRequest r)
    {
        final Map<String, Map<String, String>> byType = new LinkedHashMap<>();
        for (final QueryRequest spec : r.structures("TagSpecification"))
        {
            final String type = spec.requireString("ResourceType");
            if (!RESOURCE_TYPES.contains(type))
            {
                throw spec.invalid("ResourceType", type);
            }
            final Map<String, String> tags = byType.computeIfAbsent(type, k -> new LinkedHashMap<>());
            for (final QueryRequest tag : spec.structures("Tag"))
            {
                tags.put(key(tag), tag.string("Value") == null ? "" : tag.string("Value"));
            }
        }
        return byType;
    }

    private static String key(final QueryRequest tag)
    {
        final String key = tag.requireString("Key");
        if (key.length() > 128 || key.startsWith("aws:"))
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, "Tag key '" + key
                + "' must be 1..128 characters and must not start with aws:");
        }
        return key;
    }

    static void apply(final Ec2State state, final String resourceId, final Map<String, String> tags)
    {
        if (tags != null)
        {
            tags.forEach((k, v) -> state.tag(resourceId, k, v));
        }
    }

    private static List<String> resources(final Ec2State state, final QueryRequest r)
    {
        final List<String> ids = r.list("ResourceId");
        if (ids.isEmpty())
        {
            throw new Ec2Exception(Ec2Error.MISSING_PARAMETER, "The request must contain the parameter ResourceId");
        }
        for (final String id : ids)
        {
            if (state.resourceType(id) != null)
            {
                continue;
            }
            for (final IdKind kind : IdKind.values())
            {
                if (kind != IdKind.ATTACHMENT && id.startsWith(kind.prefix() + "-"))
                {
                    throw kind.notFound(kind.check(id));
                }
            }
            throw new Ec2Exception(Ec2Error.INVALID_ID, "The ID '" + id + "' is not valid");
        }
        return ids;
    }

    private static void createTags(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<String> ids = resources(ctx.state, r);
        final List<QueryRequest> tags = r.structures("Tag");
        if (tags.isEmpty())
        {
            throw new Ec2Exception(Ec2Error.MISSING_PARAMETER, "The request must contain the parameter Tag");
        }
        for (final String id : ids)
        {
            final int after = ctx.state.tagsOf(id).size() + tags.size();
            if (after > MAX_TAGS)
            {
                throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, id + " would have " + after
                    + " tags, accepted at most " + MAX_TAGS);
            }
        }
        for (final QueryRequest tag : tags)
        {
            key(tag);
        }
        for (final String id : ids)
        {
            for (final QueryRequest tag : tags)
            {
                ctx.state.tag(id, tag.string("Key"), tag.string("Value"));
            }
        }
        response.add("return", true);
    }

    private static void deleteTags(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<String> ids = resources(ctx.state, r);
        final List<QueryRequest> tags = r.structures("Tag");
        for (final String id : ids)
        {
            final Map<String, String> have = ctx.state.tags.get(id);
            if (have == null)
            {
                continue;
            }
            if (tags.isEmpty())
            {
                have.clear();
            }
            for (final QueryRequest tag : tags)
            {
                final String key = tag.requireString("Key");
                if (!tag.has("Value") || tag.string("Value").equals(have.get(key)))
                {
                    have.remove(key);
                }
            }
        }
        response.add("return", true);
    }

    private record TagRow(String resourceId, String resourceType, String key, String value)
    {
    }

    private static void describeTags(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<TagRow> rows = new ArrayList<>();
        ctx.state.tags.forEach((id, tags) -> tags.forEach((k, v) ->
            rows.add(new TagRow(id, ctx.state.resourceType(id), k, v))));
        final List<TagRow> kept = Describe.filter(rows, r, Set.of("resource-id", "resource-type", "key", "value"),
            (row, name) -> switch (name)
            {
                case "resource-id" -> List.of(row.resourceId());
                case "resource-type" -> List.of(row.resourceType());
                case "key" -> List.of(row.key());
                case "value" -> List.of(row.value());
                default -> null;
            }, null);
        final Describe.Page<TagRow> page = Describe.page(kept, r, 5, 1000);
        final List<Xml> items = new ArrayList<>();
        for (final TagRow row : page.items())
        {
            items.add(Xml.element("item").add("resourceId", row.resourceId()).add("resourceType", row.resourceType())
                .add("key", row.key()).add("value", row.value()));
        }
        response.addSet("tagSet", items).add("nextToken", page.nextToken());
    }
}
