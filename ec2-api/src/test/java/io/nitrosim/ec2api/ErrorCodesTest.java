package io.nitrosim.ec2api;

import static io.nitrosim.ec2api.Ec2Fixture.IMAGE;
import static io.nitrosim.ec2api.Ec2Fixture.awaitState;
import static io.nitrosim.ec2api.Ec2Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;

/** Every EC2 error the issue lists, reached through the AWS SDK with EC2's code and HTTP status. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ErrorCodesTest
{
    private static Ec2Api api;
    private static Ec2Client ec2;
    private static String instance;
    private static String subnet;

    @BeforeAll
    static void start() throws Exception
    {
        api = Ec2Api.start(Ec2Fixture.context());
        ec2 = Ec2Fixture.client(api);
        instance = run(InstanceType.C5_LARGE);
        awaitState(ec2, instance, InstanceStateName.RUNNING);
        subnet = ec2.describeSubnets(b -> b.filters(Ec2Fixture.filter("default-for-az", "true"))).subnets().get(0)
            .subnetId();
    }

    @AfterAll
    static void stop()
    {
        ec2.close();
        api.close();
    }

    private static String run(final InstanceType type)
    {
        return ec2.runInstances(b -> b.imageId(IMAGE).instanceType(type).minCount(1).maxCount(1)).instances().get(0)
            .instanceId();
    }

    @Test
    void shouldAnswerUnknownAndMalformedIdsAsEc2Does()
    {
        final AwsServiceException notFound = refused("InvalidInstanceID.NotFound", 400,
            () -> ec2.describeInstances(b -> b.instanceIds("i-0123456789abcdef0")));
        assertEquals("The instance ID 'i-0123456789abcdef0' does not exist", notFound.awsErrorDetails().errorMessage());
        final AwsServiceException malformed = refused("InvalidInstanceID.Malformed", 400,
            () -> ec2.stopInstances(b -> b.instanceIds("i-nope")));
        assertEquals("Invalid id: \"i-nope\" (expecting \"i-...\")", malformed.awsErrorDetails().errorMessage());
        refused("InvalidVolume.NotFound", 400, () -> ec2.describeVolumes(b -> b.volumeIds("vol-0123456789abcdef0")));
        refused("InvalidVolumeID.Malformed", 400, () -> ec2.deleteVolume(b -> b.volumeId("volume-1")));
        refused("InvalidGroup.NotFound", 400, () -> ec2.describeSecurityGroups(b -> b.groupIds("sg-0123456789abcdef0")));
        refused("InvalidSubnetID.NotFound", 400, () -> ec2.createNetworkInterface(b -> b.subnetId("subnet-0123456789abcdef0")));
        refused("InvalidVpcID.NotFound", 400, () -> ec2.createSubnet(b -> b.vpcId("vpc-0123456789abcdef0").cidrBlock("10.0.0.0/24")));
        refused("InvalidNetworkInterfaceID.NotFound", 400,
            () -> ec2.deleteNetworkInterface(b -> b.networkInterfaceId("eni-0123456789abcdef0")));
    }

    @Test
    void shouldRefuseWhatTheStateDoesNotAllow()
    {
        final String doomed = run(InstanceType.C5_LARGE);
        ec2.terminateInstances(b -> b.instanceIds(doomed));
        awaitState(ec2, doomed, InstanceStateName.TERMINATED);
        final AwsServiceException stop = refused("IncorrectInstanceState", 400, () -> ec2.stopInstances(b -> b.instanceIds(doomed)));
        assertTrue(stop.awsErrorDetails().errorMessage().startsWith("The instance '" + doomed
            + "' is not in a state from which it can be stopped"), stop.awsErrorDetails().errorMessage());

        final String volume = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(8)).volumeId();
        final AwsServiceException detach = refused("IncorrectState", 400, () -> ec2.detachVolume(b -> b.volumeId(volume)));
        assertEquals("Volume '" + volume + "' is in the 'available' state.", detach.awsErrorDetails().errorMessage());
        ec2.attachVolume(b -> b.volumeId(volume).instanceId(instance).device("/dev/sdg"));
        refused("VolumeInUse", 400, () -> ec2.deleteVolume(b -> b.volumeId(volume)));
        refused("VolumeInUse", 400, () -> ec2.attachVolume(b -> b.volumeId(volume).instanceId(instance).device("/dev/sdh")));
        final String other = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(8)).volumeId();
        refused("InvalidParameterValue", 400, () -> ec2.attachVolume(b -> b.volumeId(other).instanceId(instance).device("/dev/sdg")));
        final String eni = ec2.describeInstances(b -> b.instanceIds(instance)).reservations().get(0).instances().get(0)
            .networkInterfaces().get(0).networkInterfaceId();
        refused("InvalidNetworkInterface.InUse", 400, () -> ec2.deleteNetworkInterface(b -> b.networkInterfaceId(eni)));
        final String primaryAttachment = ec2.describeNetworkInterfaces(b -> b.networkInterfaceIds(eni)).networkInterfaces()
            .get(0).attachment().attachmentId();
        refused("OperationNotPermitted", 400,
            () -> ec2.detachNetworkInterface(b -> b.attachmentId(primaryAttachment)));
    }

    @Test
    void shouldRefuseBeyondTheLimitsOfTheHostTheTypeAndTheSubnet()
    {
        final AwsServiceException capacity = refused("InsufficientInstanceCapacity", 500, () ->
        {
            for (int i = 0; i < 3; i++)
            {
                run(InstanceType.C5_18_XLARGE);
            }
        });
        assertTrue(capacity.awsErrorDetails().errorMessage().startsWith(
            "We currently do not have sufficient c5.18xlarge capacity"), capacity.awsErrorDetails().errorMessage());

        final List<String> enis = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            enis.add(ec2.createNetworkInterface(b -> b.subnetId(subnet)).networkInterface().networkInterfaceId());
        }
        ec2.attachNetworkInterface(b -> b.networkInterfaceId(enis.get(0)).instanceId(instance).deviceIndex(1));
        ec2.attachNetworkInterface(b -> b.networkInterfaceId(enis.get(1)).instanceId(instance).deviceIndex(2));
        refused("AttachmentLimitExceeded", 400,
            () -> ec2.attachNetworkInterface(b -> b.networkInterfaceId(enis.get(2)).instanceId(instance).deviceIndex(3)));

        final String fat = ec2.createNetworkInterface(b -> b.subnetId(subnet).secondaryPrivateIpAddressCount(10))
            .networkInterface().networkInterfaceId();
        assertEquals(11, ec2.describeNetworkInterfaces(b -> b.networkInterfaceIds(fat)).networkInterfaces().get(0)
            .privateIpAddresses().size());
        final String small = run(InstanceType.C5_LARGE);
        refused("PrivateIpAddressLimitExceeded", 400,
            () -> ec2.attachNetworkInterface(b -> b.networkInterfaceId(fat).instanceId(small).deviceIndex(1)));

        final String vpc = ec2.createVpc(b -> b.cidrBlock("10.9.0.0/16")).vpc().vpcId();
        final List<String> groups = new ArrayList<>();
        for (int i = 0; i < 6; i++)
        {
            final int n = i;
            groups.add(ec2.createSecurityGroup(b -> b.vpcId(vpc).groupName("g" + n).description("group " + n)).groupId());
        }
        refused("InvalidGroup.Duplicate", 400, () -> ec2.createSecurityGroup(b -> b.vpcId(vpc).groupName("g0").description("x")));
        final String tiny = ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.9.9.0/28")).subnet().subnetId();
        refused("InvalidSubnet.Conflict", 400, () -> ec2.createSubnet(b -> b.vpcId(vpc).cidrBlock("10.9.9.0/24")));
        refused("SecurityGroupsPerInterfaceLimitExceeded", 400,
            () -> ec2.createNetworkInterface(b -> b.subnetId(tiny).groups(groups)));
        for (int i = 0; i < 11; i++)
        {
            ec2.createNetworkInterface(b -> b.subnetId(tiny));
        }
        final AwsServiceException full = refused("InsufficientFreeAddressesInSubnet", 400,
            () -> ec2.createNetworkInterface(b -> b.subnetId(tiny)));
        assertEquals(tiny + " (10.9.9.0/28) has 0 free addresses, asked 1", full.awsErrorDetails().errorMessage());

        final IpPermission ssh = IpPermission.builder().ipProtocol("tcp").fromPort(22).toPort(22)
            .ipRanges(IpRange.builder().cidrIp("0.0.0.0/0").build()).build();
        ec2.authorizeSecurityGroupIngress(b -> b.groupId(groups.get(0)).ipPermissions(ssh));
        refused("InvalidPermission.Duplicate", 400,
            () -> ec2.authorizeSecurityGroupIngress(b -> b.groupId(groups.get(0)).ipPermissions(ssh)));
        ec2.revokeSecurityGroupIngress(b -> b.groupId(groups.get(0)).ipPermissions(ssh));
        refused("InvalidPermission.NotFound", 400,
            () -> ec2.revokeSecurityGroupIngress(b -> b.groupId(groups.get(0)).ipPermissions(ssh)));
    }

    @Test
    void shouldRefuseBadParametersAndDryRuns()
    {
        refused("MissingParameter", 400, () -> ec2.runInstances(b -> b.instanceType(InstanceType.C5_LARGE).minCount(1).maxCount(1)));
        final AwsServiceException type = refused("InvalidParameterValue", 400,
            () -> ec2.runInstances(b -> b.imageId(IMAGE).instanceType("m5.large").minCount(1).maxCount(1)));
        assertTrue(type.awsErrorDetails().errorMessage().startsWith("Invalid value 'm5.large' for InstanceType."));
        refused("InvalidParameterValue", 400, () -> ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(8).iops(20000)
            .volumeType("gp3")));
        refused("InvalidParameterValue", 400, () -> ec2.describeInstances(b -> b.filters(Ec2Fixture.filter("color", "red"))));
        refused("InvalidPaginationToken", 400, () -> ec2.describeVolumes(b -> b.nextToken("garbage")));
        refused("DryRunOperation", 412, () -> ec2.stopInstances(b -> b.instanceIds(instance).dryRun(true)));
        assertEquals(InstanceStateName.RUNNING, Ec2Fixture.state(ec2, instance), "a dry run changes nothing");
    }
}
