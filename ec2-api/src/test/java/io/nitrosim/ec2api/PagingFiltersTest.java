package io.nitrosim.ec2api;

import static io.nitrosim.ec2api.Ec2Fixture.IMAGE;
import static io.nitrosim.ec2api.Ec2Fixture.filter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** MaxResults/NextToken (by hand and with the SDK's paginators) and the filters the issue names. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PagingFiltersTest
{
    private static Set<String> ids(final List<Instance> instances)
    {
        final Set<String> ids = new TreeSet<>();
        instances.forEach(i -> ids.add(i.instanceId()));
        return ids;
    }

    private static List<Instance> instances(final DescribeInstancesResponse r)
    {
        final List<Instance> all = new ArrayList<>();
        r.reservations().forEach(res -> all.addAll(res.instances()));
        return all;
    }

    @Test
    void shouldPageAndFilterInstancesVolumesAndNetworkObjects() throws Exception
    {
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context());
             Ec2Client ec2 = Ec2Fixture.client(api))
        {
            final List<Instance> web = ec2.runInstances(b -> b.imageId(IMAGE).instanceType(InstanceType.C5_LARGE)
                .minCount(8).maxCount(8).tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                    .tags(Tag.builder().key("role").value("web").build()).build())).instances();
            final List<Instance> db = ec2.runInstances(b -> b.imageId(IMAGE).instanceType(InstanceType.C5_XLARGE)
                .minCount(4).maxCount(4)).instances();
            assertEquals(8, web.size());
            ec2.createTags(b -> b.resources(db.get(0).instanceId()).tags(Tag.builder().key("role").value("db").build()));
            Ec2Fixture.awaitState(ec2, web.get(7).instanceId(), InstanceStateName.RUNNING);
            Ec2Fixture.awaitState(ec2, db.get(3).instanceId(), InstanceStateName.RUNNING);
            ec2.stopInstances(b -> b.instanceIds(db.get(1).instanceId()));
            Ec2Fixture.awaitState(ec2, db.get(1).instanceId(), InstanceStateName.STOPPED);

            final DescribeInstancesResponse first = ec2.describeInstances(b -> b.maxResults(5));
            assertEquals(5, instances(first).size());
            final DescribeInstancesResponse second = ec2.describeInstances(b -> b.maxResults(5).nextToken(first.nextToken()));
            final DescribeInstancesResponse third = ec2.describeInstances(b -> b.maxResults(5).nextToken(second.nextToken()));
            assertEquals(2, instances(third).size());
            assertNull(third.nextToken());
            final List<Instance> all = new ArrayList<>();
            ec2.describeInstancesPaginator(b -> b.maxResults(5)).reservations().forEach(r -> all.addAll(r.instances()));
            assertEquals(12, ids(all).size());
            Ec2Fixture.refused("InvalidParameterValue", 400, () -> ec2.describeInstances(b -> b.maxResults(2)));

            assertEquals(ids(web), ids(instances(ec2.describeInstances(b -> b.filters(filter("tag:role", "web"))))));
            assertEquals(Set.of(db.get(0).instanceId()),
                ids(instances(ec2.describeInstances(b -> b.filters(filter("tag:role", "d*"))))));
            assertEquals(ids(db), ids(instances(ec2.describeInstances(b -> b.filters(filter("instance-type", "c5.xlarge"))))));
            assertEquals(Set.of(db.get(1).instanceId()),
                ids(instances(ec2.describeInstances(b -> b.filters(filter("instance-state-name", "stopped"))))));
            assertEquals(Set.of(db.get(2).instanceId(), db.get(3).instanceId()), ids(instances(ec2.describeInstances(b -> b
                .filters(filter("instance-type", "c5.xlarge"), filter("instance-state-name", "running"),
                    filter("instance-id", db.get(2).instanceId(), db.get(3).instanceId(), db.get(1).instanceId()))))));
            final String vpc = web.get(0).vpcId();
            final String subnet = web.get(0).subnetId();
            assertEquals(12, instances(ec2.describeInstances(b -> b.filters(filter("vpc-id", vpc)))).size());
            assertEquals(12, instances(ec2.describeInstances(b -> b.filters(filter("subnet-id", subnet)))).size());
            assertEquals(0, instances(ec2.describeInstances(b -> b.filters(filter("vpc-id", "vpc-0123456789abcdef0")))).size());

            final String v1 = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(8)).volumeId();
            final String v2 = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(9)).volumeId();
            ec2.attachVolume(b -> b.volumeId(v1).instanceId(web.get(0).instanceId()).device("/dev/sdf"));
            assertEquals(List.of(v1), ec2.describeVolumes(b -> b.filters(filter("attachment.instance-id",
                web.get(0).instanceId()))).volumes().stream().map(v -> v.volumeId()).toList());
            assertEquals(List.of(v2), ec2.describeVolumes(b -> b.filters(filter("volume-id", v2))).volumes().stream()
                .map(v -> v.volumeId()).toList());
            assertEquals(List.of(v2), ec2.describeVolumes(b -> b.filters(filter("status", "available"))).volumes().stream()
                .map(v -> v.volumeId()).toList());
            assertEquals(12, ec2.describeNetworkInterfaces(b -> b.filters(filter("vpc-id", vpc))).networkInterfaces().size());
            assertEquals(1, ec2.describeSubnets(b -> b.filters(filter("vpc-id", vpc))).subnets().size());
            assertEquals(1, ec2.describeVpcs(b -> b.filters(filter("is-default", "true"))).vpcs().size());
            assertEquals(9, ec2.describeTags(b -> b.filters(filter("key", "role"))).tags().size());
            assertEquals(1, ec2.describeTags(b -> b.filters(filter("value", "db"))).tags().size());
            assertEquals(6, ec2.describeInstanceTypes(b -> b.maxResults(5)).instanceTypes().size() + ec2
                .describeInstanceTypes(b -> b.maxResults(5).nextToken("nitro-sim-page-5")).instanceTypes().size());
            assertEquals(11, ec2.describeInstanceStatus().instanceStatuses().size(), "running instances only");
            assertEquals(12, ec2.describeInstanceStatus(b -> b.includeAllInstances(true)).instanceStatuses().size());
        }
    }
}
