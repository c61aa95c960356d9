package io.nitrosim.simulator.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;

import org.junit.jupiter.api.Test;

class ParameterPathTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode scenario() throws Exception
    {
        return JSON.readTree("{\"instances\":[{\"name\":\"a\",\"type\":\"c5.large\"},{\"name\":\"b\",\"type\":\"c5.large\"}],"
            + "\"workloads\":[{\"name\":\"bulk\",\"streams\":2}]}");
    }

    @Test
    void shouldTurnTheDottedFormIntoAJsonPointer()
    {
        assertEquals("/instances/1/type", ParameterPath.parse("instances[1].type").pointer().toString());
        assertEquals("/overrides/network/flowLimitGbps",
            ParameterPath.parse("overrides.network.flowLimitGbps").pointer().toString());
        assertEquals("/a/0/2/b", ParameterPath.parse("a[0][2].b").pointer().toString());
    }

    @Test
    void shouldSetAValueWhereThePathPoints() throws Exception
    {
        final JsonNode tree = scenario();
        ParameterPath.parse("instances[1].type").set(tree, TextNode.valueOf("c5.xlarge"));
        ParameterPath.parse("/workloads/0/streams").set(tree, IntNode.valueOf(8));
        assertEquals("c5.xlarge", tree.at("/instances/1/type").asText());
        assertEquals("c5.large", tree.at("/instances/0/type").asText());
        assertEquals(8, tree.at("/workloads/0/streams").asInt());
    }

    @Test
    void shouldCreateMissingSectionsSoAnOverrideCanBeSwept() throws Exception
    {
        final JsonNode tree = scenario();
        // The pointer form names a field with a dot in it, which the dotted form cannot.
        ParameterPath.parse("/overrides/instanceTypes/c5.large/networkBurstSeconds").set(tree, IntNode.valueOf(30));
        assertEquals(30, tree.at("/overrides/instanceTypes/c5.large/networkBurstSeconds").asInt());
        assertEquals(1, tree.at("/overrides/instanceTypes").size());
    }

    @Test
    void shouldNameTheMissingPlaceInTheWrittenForm() throws Exception
    {
        final JsonNode tree = scenario();
        assertEquals("the scenario has no instances[5]", assertThrows(IllegalArgumentException.class,
            () -> ParameterPath.parse("instances[5].type").set(tree, TextNode.valueOf("x"))).getMessage());
        assertEquals("the scenario has no /workloads/3", assertThrows(IllegalArgumentException.class,
            () -> ParameterPath.parse("/workloads/3/streams").set(tree, IntNode.valueOf(1))).getMessage());
        assertEquals("instances[0].type is not a list or an object", assertThrows(IllegalArgumentException.class,
            () -> ParameterPath.parse("instances[0].type.x").set(tree, IntNode.valueOf(1))).getMessage());
    }

    @Test
    void shouldRefuseWhatIsNotAPath()
    {
        assertEquals("''c5' is not a field name or name[index] (a field whose name holds a dot needs the JSON "
            + "Pointer form, e.g. /overrides/instanceTypes/c5.large)", assertThrows(IllegalArgumentException.class,
            () -> ParameterPath.parse("overrides.instanceTypes.'c5.large'")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParameterPath.parse("instances[x].type"));
        assertThrows(IllegalArgumentException.class, () -> ParameterPath.parse(""));
    }
}
