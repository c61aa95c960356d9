package io.nitrosim.ec2api;

import static io.nitrosim.ec2api.Ec2Fixture.IMAGE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.NetworkInterface;
import software.amazon.awssdk.services.ec2.model.SecurityGroup;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Volume;

/** With a data directory the control plane survives a restart and a kill -9; instances come back stopped. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RestartTest
{
    /** What a region holds, as the API describes it (launch times, ids, addresses, MACs, states, tags). */
    private record Snapshot(List<String> instances, List<String> volumes, List<String> enis, List<String> groups)
    {
    }

    private static Snapshot snapshot(final Ec2Client ec2)
    {
        final List<String> instances = new ArrayList<>();
        ec2.describeInstances().reservations().forEach(r -> r.instances().forEach(i -> instances.add(i.instanceId() + " "
            + r.reservationId() + " " + i.instanceTypeAsString() + " " + i.launchTime() + " "
            + i.privateIpAddress() + " " + i.tags() + " " + i.blockDeviceMappings().size())));
        final List<String> volumes = new ArrayList<>();
        for (final Volume v : ec2.describeVolumes().volumes())
        {
            volumes.add(v.volumeId() + " " + v.stateAsString() + " " + v.size() + " " + v.iops() + " " + v.createTime()
                + " " + v.attachments().stream().map(a -> a.instanceId() + a.device()).toList());
        }
        final List<String> enis = new ArrayList<>();
        for (final NetworkInterface n : ec2.describeNetworkInterfaces().networkInterfaces())
        {
            enis.add(n.networkInterfaceId() + " " + n.macAddress() + " " + n.privateIpAddress() + " "
                + n.statusAsString() + " " + (n.attachment() == null ? "-" : n.attachment().attachmentId()));
        }
        final List<String> groups = new ArrayList<>();
        for (final SecurityGroup g : ec2.describeSecurityGroups().securityGroups())
        {
            groups.add(g.groupId() + " " + g.groupName() + " " + g.ipPermissions());
        }
        return new Snapshot(instances, volumes, enis, groups);
    }

    /** Builds a small region: a group with a rule, two instances (one stopped), volumes and an extra ENI. */
    private static List<String> populate(final Ec2Client ec2)
    {
        final String group = ec2.createSecurityGroup(b -> b.groupName("web").description("web servers")).groupId();
        ec2.authorizeSecurityGroupIngress(b -> b.groupId(group).ipPermissions(IpPermission.builder().ipProtocol("tcp")
            .fromPort(443).toPort(443).ipRanges(IpRange.builder().cidrIp("10.0.0.0/8").build()).build()));
        final List<Instance> launched = ec2.runInstances(b -> b.imageId(IMAGE).instanceType(InstanceType.C5_XLARGE)
            .minCount(2).maxCount(2).securityGroupIds(group).blockDeviceMappings(BlockDeviceMapping.builder()
                .deviceName("/dev/sdf").ebs(e -> e.volumeSize(50).volumeType("gp3")).build())).instances();
        final String a = launched.get(0).instanceId();
        final String b2 = launched.get(1).instanceId();
        Ec2Fixture.awaitState(ec2, a, InstanceStateName.RUNNING);
        Ec2Fixture.awaitState(ec2, b2, InstanceStateName.RUNNING);
        final String volume = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(100).volumeType("io1")
            .iops(2000)).volumeId();
        ec2.attachVolume(b -> b.volumeId(volume).instanceId(a).device("/dev/sdg"));
        final String subnet = launched.get(0).subnetId();
        final String eni = ec2.createNetworkInterface(b -> b.subnetId(subnet).description("second")).networkInterface()
            .networkInterfaceId();
        ec2.attachNetworkInterface(b -> b.networkInterfaceId(eni).instanceId(a).deviceIndex(1));
        ec2.createTags(b -> b.resources(a, volume).tags(Tag.builder().key("env").value("ci").build()));
        ec2.stopInstances(b -> b.instanceIds(b2));
        Ec2Fixture.awaitState(ec2, b2, InstanceStateName.STOPPED);
        return List.of(a, b2);
    }

    private static void assertCameBackStopped(final Ec2Client ec2, final Snapshot before, final List<String> ids)
    {
        final Snapshot after = snapshot(ec2);
        assertEquals(before, after);
        for (final String id : ids)
        {
            assertEquals(InstanceStateName.STOPPED, Ec2Fixture.state(ec2, id));
        }
        ec2.startInstances(b -> b.instanceIds(ids.get(0)));
        Ec2Fixture.awaitState(ec2, ids.get(0), InstanceStateName.RUNNING);
    }

    @Test
    void shouldKeepTheRegionAcrossARestartWithInstancesStopped(@TempDir final Path data) throws Exception
    {
        final Snapshot before;
        final List<String> ids;
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context().dataDirectory(data));
             Ec2Client ec2 = Ec2Fixture.client(api))
        {
            ids = populate(ec2);
            before = snapshot(ec2);
        }
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context().dataDirectory(data));
             Ec2Client ec2 = Ec2Fixture.client(api))
        {
            assertTrue(api.replayedEntries() > 10, "replayed " + api.replayedEntries());
            assertCameBackStopped(ec2, before, ids);
            assertEquals(4, (int)api.region().submit(c -> c.instance(ids.get(0)).instance().attachments().size()).get(),
                "the data plane is back: two ENA and two NVMe functions");
        }
    }

    @Test
    void shouldRefuseASecondProcessOnTheSameDataDirectory(@TempDir final Path data) throws Exception
    {
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context().dataDirectory(data)))
        {
            final IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Ec2Api.start(Ec2Fixture.context().dataDirectory(data)));
            assertEquals("data directory " + data + " is in use by another nitro-sim process", ex.getMessage());
            assertTrue(api.openConnections() >= 0);
        }
    }

    @Test
    @org.junit.jupiter.api.Tag("slow")
    void shouldKeepWhatWasAcknowledgedWhenTheProcessIsKilled(@TempDir final Path data) throws Exception
    {
        Process child = startChild(data);
        final Snapshot before;
        final List<String> ids;
        try (Ec2Client ec2 = Ec2Fixture.client(endpoint(child), Ec2Fixture.ACCESS_KEY, Ec2Fixture.SECRET))
        {
            ids = populate(ec2);
            before = snapshot(ec2);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        child = startChild(data);
        try (Ec2Client ec2 = Ec2Fixture.client(endpoint(child), Ec2Fixture.ACCESS_KEY, Ec2Fixture.SECRET))
        {
            assertCameBackStopped(ec2, before, ids);
        }
        finally
        {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String lastLine;

    private static Process startChild(final Path data) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(System.getProperty("nitro.jvm.flags", "").trim().split("\\s+")));
        command.addAll(List.of("-Xmx512m", "-cp", System.getProperty("java.class.path"), Ec2ApiChild.class.getName(),
            data.toString()));
        command.removeIf(String::isEmpty);
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("ENDPOINT "))
        {
            // skip anything before the endpoint line
        }
        if (line == null)
        {
            throw new AssertionError("the child exited before serving");
        }
        lastLine = line;
        return process;
    }

    private static String endpoint(final Process child)
    {
        return lastLine.split(" ")[1];
    }
}
