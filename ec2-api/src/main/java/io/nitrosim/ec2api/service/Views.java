package io.nitrosim.ec2api.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.ec2api.protocol.Xml;
import io.nitrosim.hypervisor.Instance;
import io.nitrosim.hypervisor.InstanceState;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.SecurityGroup;
import io.nitrosim.nic.vpc.SecurityGroupRule;
import io.nitrosim.nic.vpc.Subnet;
import io.nitrosim.nic.vpc.Vpc;

/**
 * EC2's XML shapes of the resources (botocore's EC2 model: Instance, InstanceTypeInfo, Volume, NetworkInterface,
 * Vpc, Subnet, SecurityGroup), built on the region's thread from the data plane and the control plane's records.
 */
final class Views
{
    private Views()
    {
    }

    static Xml state(final String name, final InstanceState state)
    {
        return Xml.element(name).add("code", state.code()).add("name", state.ec2Name());
    }

    static String primaryIp(final Ec2Context ctx, final Ec2State.InstanceRecord i)
    {
        return ctx.state.enis.containsKey(i.primaryEniId) ?
            ctx.region.vpc().eni(i.primaryEniId).privateIpAddresses().get(0) : null;
    }

    static String dnsName(final String ip)
    {
        return ip == null ? null : "ip-" + ip.replace('.', '-') + ".ec2.internal";
    }

    static List<String> eniIds(final Ec2Context ctx, final String instanceId)
    {
        final List<String> ids = new ArrayList<>();
        for (final Ec2State.EniRecord e : ctx.state.enis.values())
        {
            if (instanceId.equals(e.instanceId))
            {
                ids.add(e.id);
            }
        }
        return ids;
    }

    static List<String> groupIds(final Ec2Context ctx, final String eniId)
    {
        final List<String> ids = new ArrayList<>();
        if (ctx.state.enis.containsKey(eniId))
        {
            for (final SecurityGroup g : ctx.region.vpc().eni(eniId).securityGroups())
            {
                ids.add(g.id());
            }
        }
        return ids;
    }

    private static Xml groupSet(final String name, final Eni eni)
    {
        final List<Xml> items = new ArrayList<>();
        for (final SecurityGroup g : eni.securityGroups())
        {
            items.add(Xml.element("item").add("groupId", g.id()).add("groupName", g.name()));
        }
        final Xml set = Xml.element(name);
        items.forEach(set::add);
        return set;
    }

    static Xml instance(final Ec2Context ctx, final Ec2State.InstanceRecord i, final String elementName)
    {
        final Instance instance = ctx.region.instance(i.id).instance();
        final InstanceState state = instance.state();
        final boolean gone = state == InstanceState.TERMINATED;
        final String ip = gone ? null : primaryIp(ctx, i);
        final InstanceType type = instance.type();
        final Xml x = Xml.element(elementName).add("instanceId", i.id).add("imageId", i.imageId)
            .add(state("instanceState", state)).add("privateDnsName", gone ? "" : dnsName(ip)).add("dnsName", "")
            .add("reason", i.stateReason == null ? "" : i.stateReason).add("keyName", i.keyName)
            .add("amiLaunchIndex", i.launchIndex).add(Xml.element("productCodes")).add("instanceType", i.type)
            .add("launchTime", Ec2Context.time(i.launchTimeMillis))
            .add(Xml.element("placement").add("availabilityZone", ctx.availabilityZone()).add("groupName", "")
                .add("tenancy", "default"))
            .add(Xml.element("monitoring").add("state", "disabled"));
        if (!gone)
        {
            x.add("subnetId", i.subnetId).add("vpcId", i.vpcId).add("privateIpAddress", ip);
        }
        x.add("sourceDestCheck", !gone ? "true" : null);
        x.add(gone || !ctx.state.enis.containsKey(i.primaryEniId) ? Xml.element("groupSet") :
            groupSet("groupSet", ctx.region.vpc().eni(i.primaryEniId)));
        if (i.stateReason != null && state != InstanceState.RUNNING && state != InstanceState.PENDING)
        {
            final int colon = i.stateReason.indexOf(':');
            x.add(Xml.element("stateReason").add("code", i.stateReason.substring(0, colon))
                .add("message", i.stateReason));
        }
        x.add("architecture", "x86_64").add("rootDeviceType", "ebs").add("rootDeviceName", "/dev/xvda");
        final List<Xml> devices = new ArrayList<>();
        for (final Map.Entry<String, String> d : i.devices.entrySet())
        {
            final Ec2State.VolumeRecord v = ctx.state.volumes.get(d.getValue());
            devices.add(Xml.element("item").add("deviceName", d.getKey()).add(Xml.element("ebs")
                .add("volumeId", v.id).add("status", "attached").add("attachTime", Ec2Context.time(v.attachTimeMillis))
                .add("deleteOnTermination", v.deleteOnTermination)));
        }
        x.addSet("blockDeviceMapping", devices);
        x.add("virtualizationType", "hvm").add("clientToken", "").add(tagSet(ctx, i.id)).add("hypervisor", "xen");
        final List<Xml> enis = new ArrayList<>();
        if (!gone)
        {
            for (final String eniId : eniIds(ctx, i.id))
            {
                enis.add(networkInterface(ctx, ctx.region.vpc().eni(eniId), ctx.state.enis.get(eniId), "item", true));
            }
        }
        x.addSet("networkInterfaceSet", enis).add("ebsOptimized", true).add("enaSupport", true)
            .add(Xml.element("cpuOptions").add("coreCount", Math.max(1, type.vcpus() / 2)).add("threadsPerCore", 2));
        return x;
    }

    static Xml tagSet(final Ec2Context ctx, final String resourceId)
    {
        final Xml set = Xml.element("tagSet");
        ctx.state.tagsOf(resourceId).forEach((k, v) -> set.add(Xml.element("item").add("key", k).add("value", v)));
        return set;
    }

    static Xml instanceType(final InstanceType t)
    {
        final boolean burstNet = t.isNetworkBurstable();
        final String performance = (burstNet ? "Up to " : "") + InstanceActions.gbps(t.networkPeakGbps()) + " Gigabit";
        final Xml card = Xml.element("item").add("networkCardIndex", 0).add("networkPerformance", performance)
            .add("maximumNetworkInterfaces", t.maxEnis())
            .add("baselineBandwidthInGbps", InstanceActions.gbps(t.networkBaselineGbps()))
            .add("peakBandwidthInGbps", InstanceActions.gbps(t.networkPeakGbps()));
        return Xml.element("item").add("instanceType", t.type()).add("currentGeneration", true)
            .add("freeTierEligible", false)
            .add(Xml.element("supportedUsageClasses").add(Xml.text("item", "on-demand")).add(Xml.text("item", "spot")))
            .add(Xml.element("supportedRootDeviceTypes").add(Xml.text("item", "ebs")))
            .add(Xml.element("supportedVirtualizationTypes").add(Xml.text("item", "hvm")))
            .add("bareMetal", false).add("hypervisor", "nitro")
            .add(Xml.element("processorInfo").add(Xml.element("supportedArchitectures").add(Xml.text("item", "x86_64")))
                .add("sustainedClockSpeedInGhz", "3.0").add("manufacturer", "Intel"))
            .add(Xml.element("vCpuInfo").add("defaultVCpus", t.vcpus()).add("defaultCores", t.vcpus() / 2)
                .add("defaultThreadsPerCore", 2))
            .add(Xml.element("memoryInfo").add("sizeInMiB", t.memoryGiB() * 1024L))
            .add("instanceStorageSupported", false)
            .add(Xml.element("ebsInfo").add("ebsOptimizedSupport", "default").add("encryptionSupport", "supported")
                .add(Xml.element("ebsOptimizedInfo").add("baselineBandwidthInMbps", t.ebsBaselineMbps())
                    .add("baselineThroughputInMBps", mbytes(t.ebsBaselineMbps()))
                    .add("baselineIops", t.ebsBaselineIops()).add("maximumBandwidthInMbps", t.ebsPeakMbps())
                    .add("maximumThroughputInMBps", mbytes(t.ebsPeakMbps())).add("maximumIops", t.ebsPeakIops()))
                .add("nvmeSupport", "required"))
            .add(Xml.element("networkInfo").add("networkPerformance", performance)
                .add("maximumNetworkInterfaces", t.maxEnis()).add("maximumNetworkCards", 1)
                .add("defaultNetworkCardIndex", 0).add(Xml.element("networkCards").add(card))
                .add("ipv4AddressesPerInterface", t.ipv4PerEni()).add("ipv6AddressesPerInterface", t.ipv4PerEni())
                .add("ipv6Supported", false).add("enaSupport", "required").add("efaSupported", false))
            .add("hibernationSupported", false).add("burstablePerformanceSupported", false)
            .add("dedicatedHostsSupported", true).add("autoRecoverySupported", true);
    }

    private static String mbytes(final long mbps)
    {
        return new java.math.BigDecimal(mbps).divide(java.math.BigDecimal.valueOf(8)).stripTrailingZeros()
            .toPlainString();
    }

    static Xml volume(final Ec2Context ctx, final Ec2State.VolumeRecord v, final String elementName)
    {
        final List<Xml> attachments = new ArrayList<>();
        if (v.instanceId != null)
        {
            attachments.add(attachment(v, "item", "attached"));
        }
        return Xml.element(elementName).add("volumeId", v.id).add("size", v.sizeGiB).add("snapshotId", "")
            .add("availabilityZone", ctx.availabilityZone()).add("status", v.state)
            .add("createTime", Ec2Context.time(v.createTimeMillis)).addSet("attachmentSet", attachments)
            .add("volumeType", v.type).add("iops", v.iops).add("throughput", v.throughputMiBps)
            .add("encrypted", false).add("multiAttachEnabled", false).add(tagSet(ctx, v.id));
    }

    static Xml attachment(final Ec2State.VolumeRecord v, final String elementName, final String status)
    {
        return Xml.element(elementName).add("volumeId", v.id).add("instanceId", v.instanceId).add("device", v.device)
            .add("status", status).add("attachTime", Ec2Context.time(v.attachTimeMillis))
            .add("deleteOnTermination", v.deleteOnTermination);
    }

    static Xml networkInterface(final Ec2Context ctx, final Eni eni, final Ec2State.EniRecord record,
        final String elementName, final boolean inInstance)
    {
        final Xml x = Xml.element(elementName).add("networkInterfaceId", eni.id()).add("subnetId", eni.subnet().id())
            .add("vpcId", eni.vpc().id());
        if (!inInstance)
        {
            x.add("availabilityZone", ctx.availabilityZone());
        }
        x.add("description", record.description).add("ownerId", Ec2State.OWNER_ID)
            .add("status", record.instanceId == null ? "available" : "in-use").add("macAddress", eni.macAddress())
            .add("privateIpAddress", eni.privateIpAddresses().get(0))
            .add("privateDnsName", dnsName(eni.privateIpAddresses().get(0))).add("sourceDestCheck", true)
            .add(groupSet("groupSet", eni));
        if (record.instanceId != null)
        {
            x.add(Xml.element("attachment").add("attachmentId", record.attachmentId)
                .add("instanceId", inInstance ? null : record.instanceId)
                .add("instanceOwnerId", inInstance ? null : Ec2State.OWNER_ID).add("deviceIndex", record.deviceIndex)
                .add("networkCardIndex", 0).add("status", "attached")
                .add("attachTime", Ec2Context.time(record.attachTimeMillis))
                .add("deleteOnTermination", record.deleteOnTermination));
        }
        final List<Xml> ips = new ArrayList<>();
        final List<String> addresses = eni.privateIpAddresses();
        for (int i = 0; i < addresses.size(); i++)
        {
            ips.add(Xml.element("item").add("privateIpAddress", addresses.get(i))
                .add("privateDnsName", dnsName(addresses.get(i))).add("primary", i == 0));
        }
        x.addSet("privateIpAddressesSet", ips);
        if (!inInstance)
        {
            x.add("interfaceType", "interface").add("requesterManaged", false).add(tagSet(ctx, eni.id()));
        }
        else
        {
            x.add("interfaceType", "interface");
        }
        return x;
    }

    static Xml vpc(final Ec2Context ctx, final Vpc vpc, final String elementName)
    {
        final Ec2State.VpcRecord record = ctx.state.vpcs.get(vpc.id());
        return Xml.element(elementName).add("vpcId", vpc.id()).add("ownerId", Ec2State.OWNER_ID)
            .add("state", "available").add("cidrBlock", vpc.cidr().toString())
            .addSet("cidrBlockAssociationSet", List.of(Xml.element("item")
                .add("associationId", "vpc-cidr-assoc-" + vpc.id().substring(4)).add("cidrBlock", vpc.cidr().toString())
                .add(Xml.element("cidrBlockState").add("state", "associated"))))
            .add("dhcpOptionsId", "default").add("instanceTenancy", "default")
            .add("isDefault", record != null && record.isDefault()).add(tagSet(ctx, vpc.id()));
    }

    static Xml subnet(final Ec2Context ctx, final Subnet subnet, final String elementName)
    {
        final Ec2State.SubnetRecord record = ctx.state.subnets.get(subnet.id());
        return Xml.element(elementName).add("subnetId", subnet.id()).add("state", "available")
            .add("vpcId", subnet.vpc().id()).add("cidrBlock", subnet.cidr().toString())
            .add("availableIpAddressCount", subnet.availableAddresses())
            .add("availabilityZone", ctx.availabilityZone()).add("defaultForAz", record != null && record.defaultForAz())
            .add("mapPublicIpOnLaunch", false).add("ownerId", Ec2State.OWNER_ID)
            .add("subnetArn", "arn:aws:ec2:" + ctx.service.regionName() + ":" + Ec2State.OWNER_ID + ":subnet/"
                + subnet.id())
            .add(tagSet(ctx, subnet.id()));
    }

    static Xml securityGroup(final Ec2Context ctx, final SecurityGroup g, final String elementName)
    {
        final Ec2State.GroupRecord record = ctx.state.groups.get(g.id());
        return Xml.element(elementName).add("ownerId", Ec2State.OWNER_ID).add("groupId", g.id())
            .add("groupName", g.name()).add("groupDescription", record == null ? g.name() : record.description())
            .add("vpcId", g.vpc().id()).addSet("ipPermissions", permissions(ctx, g.ingressRules()))
            .addSet("ipPermissionsEgress", permissions(ctx, g.egressRules())).add(tagSet(ctx, g.id()));
    }

    private static List<Xml> permissions(final Ec2Context ctx, final List<SecurityGroupRule> rules)
    {
        final List<Xml> items = new ArrayList<>();
        for (final SecurityGroupRule rule : rules)
        {
            final Xml x = Xml.element("item").add("ipProtocol", NetworkActions.protocolName(rule.protocol()));
            if (rule.protocol().hasPorts())
            {
                x.add("fromPort", rule.fromPort()).add("toPort", rule.toPort());
            }
            final List<Xml> groups = new ArrayList<>();
            final List<Xml> ranges = new ArrayList<>();
            if (rule.isGroupPeer())
            {
                groups.add(Xml.element("item").add("userId", Ec2State.OWNER_ID).add("groupId", rule.peer()));
            }
            else
            {
                ranges.add(Xml.element("item").add("cidrIp", rule.peer()));
            }
            items.add(x.addSet("groups", groups).addSet("ipRanges", ranges).addSet("ipv6Ranges", List.of())
                .addSet("prefixListIds", List.of()));
        }
        return items;
    }
}
