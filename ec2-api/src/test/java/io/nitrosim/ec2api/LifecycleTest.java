package io.nitrosim.ec2api;

import static io.nitrosim.ec2api.Ec2Fixture.IMAGE;
import static io.nitrosim.ec2api.Ec2Fixture.awaitState;
import static io.nitrosim.ec2api.Ec2Fixture.device;
import static io.nitrosim.ec2api.Ec2Fixture.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.nitrosim.ebs.volume.VolumeId;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.BlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.InstanceTypeInfo;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.Volume;
import software.amazon.awssdk.services.ec2.model.VolumeState;
import software.amazon.awssdk.services.ec2.model.VolumeType;

/** The lifecycle through the AWS SDK: run, describe, 27 volumes then the 28th refused, modify, detach,
 * stop, start, terminate; each step checked in the API and in the data plane. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LifecycleTest
{
    @Test
    void shouldRunAnInstanceThroughItsWholeLifeWithTwentySevenVolumes() throws Exception
    {
        final long startNs = System.nanoTime();
        try (Ec2Api api = Ec2Api.start(Ec2Fixture.context());
             Ec2Client ec2 = Ec2Fixture.client(api))
        {
            final InstanceTypeInfo large = ec2.describeInstanceTypes(b -> b.instanceTypes(InstanceType.C5_LARGE))
                .instanceTypes().get(0);
            assertEquals("nitro", large.hypervisorAsString());
            assertEquals(2, large.vCpuInfo().defaultVCpus());
            assertEquals(4096L, large.memoryInfo().sizeInMiB());
            assertEquals("Up to 10 Gigabit", large.networkInfo().networkPerformance());
            assertEquals(3, large.networkInfo().maximumNetworkInterfaces());
            assertEquals(0.75, large.networkInfo().networkCards().get(0).baselineBandwidthInGbps());
            assertEquals(2250, large.ebsInfo().ebsOptimizedInfo().maximumBandwidthInMbps());
            assertEquals(525, large.ebsInfo().ebsOptimizedInfo().baselineBandwidthInMbps());
            assertEquals(16000, large.ebsInfo().ebsOptimizedInfo().maximumIops());
            assertEquals(4000, large.ebsInfo().ebsOptimizedInfo().baselineIops());

            final Instance launched = ec2.runInstances(b -> b.imageId(IMAGE).instanceType(InstanceType.C5_LARGE)
                .minCount(1).maxCount(1)
                .blockDeviceMappings(BlockDeviceMapping.builder().deviceName("/dev/sdf")
                    .ebs(e -> e.volumeSize(20).volumeType(VolumeType.GP3)).build())
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                    .tags(Tag.builder().key("Name").value("web").build()).build())).instances().get(0);
            final String id = launched.instanceId();
            assertEquals(InstanceStateName.PENDING, launched.state().name());
            assertEquals(0, launched.state().code());
            awaitState(ec2, id, InstanceStateName.RUNNING);

            final Instance running = ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0);
            assertEquals("xen", running.hypervisorAsString());
            assertEquals(16, running.state().code());
            assertEquals(InstanceType.C5_LARGE, running.instanceType());
            assertTrue(running.privateIpAddress().startsWith("172.31."), running.privateIpAddress());
            assertEquals(List.of(Tag.builder().key("Name").value("web").build()), running.tags());
            assertEquals(1, running.networkInterfaces().size());
            assertEquals(1, running.blockDeviceMappings().size());
            final String rootVolume = running.blockDeviceMappings().get(0).ebs().volumeId();
            assertTrue(running.blockDeviceMappings().get(0).ebs().deleteOnTermination());
            // The data plane: the instance is the hypervisor's, on its host, with an ENA and an NVMe function.
            assertEquals(List.of("NETWORK_INTERFACE", "EBS_VOLUME"), api.region().submit(c ->
                c.instance(id).instance().attachments().stream().map(a -> a.kind().name()).toList()).get());

            final List<String> volumes = new ArrayList<>();
            for (int i = 1; i < 27; i++)
            {
                final int n = i;
                final String volumeId = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(8)
                    .volumeType(VolumeType.GP3)).volumeId();
                ec2.attachVolume(b -> b.volumeId(volumeId).instanceId(id).device(device(n)));
                volumes.add(volumeId);
            }
            assertEquals(28, (int)api.region().submit(c -> c.instance(id).instance().attachments().size()).get(),
                "primary ENI + 27 volumes on the PCI bus");
            final String extra = ec2.createVolume(b -> b.availabilityZone("us-east-1a").size(8)).volumeId();
            final AwsServiceException limit = refused("AttachmentLimitExceeded", 400,
                () -> ec2.attachVolume(b -> b.volumeId(extra).instanceId(id).device("/dev/sdz" + "z")));
            assertEquals("You've reached the limit on the number of Amazon EBS volumes or network interfaces that can "
                + "be attached to a single instance.", limit.awsErrorDetails().errorMessage());
            assertEquals(VolumeState.AVAILABLE, ec2.describeVolumes(b -> b.volumeIds(extra)).volumes().get(0).state());

            final String modified = volumes.get(0);
            final Volume after = ec2.describeVolumes(b -> b.volumeIds(modified)).volumes().get(0);
            assertEquals(3000, after.iops());
            ec2.modifyVolume(b -> b.volumeId(modified).iops(4000).throughput(250));
            final Volume changed = ec2.describeVolumes(b -> b.volumeIds(modified)).volumes().get(0);
            assertEquals(4000, changed.iops());
            assertEquals(250, changed.throughput());
            assertEquals(4000L, (long)api.region().submit(c -> c.instance(id).ebsCard().shaping()
                .volume(VolumeId.parse(modified)).iopsPeakBucket().ratePerSec()).get(), "the bucket changed live");

            ec2.detachVolume(b -> b.volumeId(modified));
            assertEquals(VolumeState.AVAILABLE, ec2.describeVolumes(b -> b.volumeIds(modified)).volumes().get(0).state());
            assertEquals(27, (int)api.region().submit(c -> c.instance(id).instance().attachments().size()).get());

            ec2.stopInstances(b -> b.instanceIds(id));
            awaitState(ec2, id, InstanceStateName.STOPPED);
            assertEquals(VolumeState.IN_USE, ec2.describeVolumes(b -> b.volumeIds(volumes.get(1))).volumes().get(0).state(),
                "a stopped instance keeps its volumes");
            ec2.startInstances(b -> b.instanceIds(id));
            awaitState(ec2, id, InstanceStateName.RUNNING);

            assertEquals(InstanceStateName.SHUTTING_DOWN,
                ec2.terminateInstances(b -> b.instanceIds(id)).terminatingInstances().get(0).currentState().name());
            awaitState(ec2, id, InstanceStateName.TERMINATED);
            assertTrue(ec2.describeVolumes(b -> b.filters(Ec2Fixture.filter("volume-id", rootVolume))).volumes().isEmpty(),
                "the launch volume was deleted on termination");
            assertEquals(VolumeState.AVAILABLE, ec2.describeVolumes(b -> b.volumeIds(volumes.get(1))).volumes().get(0).state(),
                "an attached volume outlives the instance");
            assertFalse(api.region().submit(c -> c.instance(id).vpcCard().instances().stream()
                .anyMatch(ci -> ci.instanceId().equals(id))).get(), "the VPC card no longer serves it");
        }
        System.out.printf("lifecycle test: %.2f s wall%n", (System.nanoTime() - startNs) / 1e9);
    }
}
