package io.nitrosim.ec2api.service;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nitrosim.catalog.InstanceType;
import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ec2api.protocol.QueryRequest;
import io.nitrosim.ec2api.protocol.QueryRequest.IdKind;
import io.nitrosim.ec2api.protocol.Xml;
import io.nitrosim.hypervisor.Instance;
import io.nitrosim.hypervisor.InstanceState;
import io.nitrosim.hypervisor.StateChange;
import io.nitrosim.nic.vpc.Eni;
import io.nitrosim.nic.vpc.Subnet;
import io.nitrosim.simulator.region.RegionInstance;

/**
 * RunInstances, Start/Stop/Reboot/TerminateInstances, DescribeInstances, DescribeInstanceStatus and
 * DescribeInstanceTypes. An instance is a hypervisor instance on one of the region's hosts with its primary ENI
 * (an ENA function) and its volumes (NVMe functions) on its PCI bus.
 */
final class InstanceActions
{
    private static final Set<String> INSTANCE_FILTERS = Set.of("instance-id", "instance-state-name",
        "instance-state-code", "instance-type", "vpc-id", "subnet-id", "private-ip-address", "image-id",
        "availability-zone", "reservation-id", "network-interface.network-interface-id", "instance.group-id",
        "block-device-mapping.volume-id", "hypervisor", "key-name");
    private static final Set<String> TYPE_FILTERS = Set.of("instance-type", "hypervisor", "vcpu-info.default-vcpus",
        "memory-info.size-in-mib", "network-info.maximum-network-interfaces", "current-generation");
    private static final int MAX_INSTANCES_PER_REQUEST = 100;

    private InstanceActions()
    {
    }

    static void register(final Map<String, Ec2Service.Action> actions)
    {
        actions.put("RunInstances", new Ec2Service.Action(true, InstanceActions::runInstances));
        actions.put("StartInstances", new Ec2Service.Action(true, (c, r, x) -> change(c, r, x, "start")));
        actions.put("StopInstances", new Ec2Service.Action(true, (c, r, x) -> change(c, r, x, "stop")));
        actions.put("TerminateInstances", new Ec2Service.Action(true, (c, r, x) -> change(c, r, x, "terminate")));
        actions.put("RebootInstances", new Ec2Service.Action(true, InstanceActions::reboot));
        actions.put("DescribeInstances", new Ec2Service.Action(false, InstanceActions::describeInstances));
        actions.put("DescribeInstanceStatus", new Ec2Service.Action(false, InstanceActions::describeInstanceStatus));
        actions.put("DescribeInstanceTypes", new Ec2Service.Action(false, InstanceActions::describeInstanceTypes));
    }

    // ---- RunInstances ----

    private record Launch(String subnetId, List<String> groupIds, String privateIp, List<QueryRequest> devices)
    {
    }

    private static void runInstances(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final String imageId = r.requireString("ImageId");
        final String type = r.string("InstanceType") == null ? "c5.large" : r.string("InstanceType");
        final InstanceType instanceType = ctx.region.catalog().find(type).orElseThrow(() -> new Ec2Exception(
            Ec2Error.INVALID_PARAMETER_VALUE, "Invalid value '" + type + "' for InstanceType. Accepted: "
                + String.join(", ", ctx.region.catalog().typeNames())));
        final int minCount = r.requireInteger("MinCount");
        final int maxCount = r.requireInteger("MaxCount");
        if (minCount < 1 || maxCount < minCount || maxCount > MAX_INSTANCES_PER_REQUEST)
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, "MinCount " + minCount + " and MaxCount " + maxCount
                + " must satisfy 1 <= MinCount <= MaxCount <= " + MAX_INSTANCES_PER_REQUEST);
        }
        final Launch launch = launchSpec(ctx, r, maxCount);
        final Map<String, Map<String, String>> tagsByType = TagActions.tagSpecifications(r);
        final String reservationId = ctx.state.newId("r");
        final List<String> launched = new ArrayList<>();
        try
        {
            for (int i = 0; i < maxCount; i++)
            {
                launched.add(launchOne(ctx, r, instanceType, imageId, reservationId, i, launch, tagsByType));
            }
        }
        catch (final Ec2Exception ex)
        {
            if (launched.size() < minCount)
            {
                for (final String id : launched)
                {
                    rollBack(ctx, id);
                }
                throw ex;
            }
        }
        response.add("reservationId", reservationId).add("ownerId", Ec2State.OWNER_ID);
        response.addSet("groupSet", List.of());
        final List<Xml> items = new ArrayList<>();
        for (final String id : launched)
        {
            items.add(Views.instance(ctx, ctx.state.instances.get(id), "item"));
        }
        response.addSet("instancesSet", items);
    }

    private static Launch launchSpec(final Ec2Context ctx, final QueryRequest r, final int count)
    {
        final String subnetId = r.id("SubnetId", IdKind.SUBNET) == null ? ctx.state.defaultSubnetId :
            r.id("SubnetId", IdKind.SUBNET);
        if (!ctx.state.subnets.containsKey(subnetId))
        {
            throw IdKind.SUBNET.notFound(subnetId);
        }
        final Subnet subnet = ctx.region.vpc().subnet(subnetId);
        final List<String> groupIds = new ArrayList<>(r.ids("SecurityGroupId", IdKind.SECURITY_GROUP));
        for (final String name : r.list("SecurityGroup"))
        {
            groupIds.add(NetworkActions.groupByName(ctx, subnet.vpc().id(), name));
        }
        final String privateIp = r.string("PrivateIpAddress");
        if (privateIp != null && count > 1)
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_COMBINATION,
                "PrivateIpAddress can be given only when launching one instance");
        }
        return new Launch(subnetId, groupIds, privateIp, r.structures("BlockDeviceMapping"));
    }

    private static String launchOne(final Ec2Context ctx, final QueryRequest r, final InstanceType type,
        final String imageId, final String reservationId, final int launchIndex, final Launch launch,
        final Map<String, Map<String, String>> tagsByType)
    {
        final Eni eni = ctx.region.vpc().createNetworkInterface(launch.subnetId(), launch.groupIds(),
            launch.privateIp() == null ? List.of() : List.of(launch.privateIp()), 0);
        final RegionInstance ri;
        try
        {
            ri = ctx.region.launch(type.type(), eni.id());
        }
        catch (final RuntimeException ex)
        {
            ctx.region.vpc().deleteNetworkInterface(eni.id());
            throw ex;
        }
        final String id = ri.id();
        final Ec2State.InstanceRecord record = new Ec2State.InstanceRecord(id, reservationId, imageId, type.type(),
            launch.subnetId(), eni.vpc().id(), ctx.nowMillis, launchIndex, r.string("KeyName"), eni.id());
        ctx.state.instances.put(id, record);
        final Ec2State.EniRecord eniRecord = new Ec2State.EniRecord(eni.id(), "Primary network interface");
        eniRecord.attachmentId = ctx.state.newId("eni-attach");
        eniRecord.instanceId = id;
        eniRecord.deviceIndex = 0;
        eniRecord.attachTimeMillis = ctx.nowMillis;
        eniRecord.deleteOnTermination = true;
        ctx.state.enis.put(eni.id(), eniRecord);
        try
        {
            for (final QueryRequest mapping : launch.devices())
            {
                VolumeActions.createAndAttachAtLaunch(ctx, id, mapping, tagsByType.get("volume"));
            }
        }
        catch (final RuntimeException ex)
        {
            rollBack(ctx, id);
            throw Ec2Service.asEc2(ex);
        }
        TagActions.apply(ctx.state, id, tagsByType.get("instance"));
        TagActions.apply(ctx.state, eni.id(), tagsByType.get("network-interface"));
        ctx.completeLater(id);
        return id;
    }

    /** Undoes a launch that a later step refused: the instance, its ENI and its volumes go. */
    private static void rollBack(final Ec2Context ctx, final String instanceId)
    {
        final Ec2State.InstanceRecord record = ctx.state.instances.remove(instanceId);
        ctx.region.terminate(instanceId);
        ctx.region.completeTransition(instanceId);
        for (final String volumeId : List.copyOf(record.devices.values()))
        {
            ctx.state.volumes.remove(volumeId);
            ctx.state.forget(volumeId);
        }
        ctx.state.enis.remove(record.primaryEniId);
        ctx.region.vpc().deleteNetworkInterface(record.primaryEniId);
        ctx.state.forget(instanceId);
        ctx.state.forget(record.primaryEniId);
    }

    // ---- lifecycle ----

    private static void change(final Ec2Context ctx, final QueryRequest r, final Xml response, final String action)
    {
        final List<String> ids = requireIds(r);
        for (final String id : ids)
        {
            ctx.state.instance(id);
        }
        final List<Xml> items = new ArrayList<>();
        for (final String id : ids)
        {
            final StateChange change = switch (action)
            {
                case "start" -> ctx.region.start(id);
                case "stop" -> ctx.region.stop(id);
                default -> ctx.region.terminate(id);
            };
            if (change.changed())
            {
                ctx.state.instances.get(id).stateReason = action.equals("start") ? null :
                    "Client.UserInitiatedShutdown: User initiated shutdown";
                ctx.completeLater(id);
            }
            items.add(Xml.element("item").add("instanceId", id)
                .add(Views.state("currentState", change.currentState()))
                .add(Views.state("previousState", change.previousState())));
        }
        response.addSet("instancesSet", items);
    }

    private static void reboot(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<String> ids = requireIds(r);
        for (final String id : ids)
        {
            ctx.state.instance(id);
        }
        for (final String id : ids)
        {
            ctx.region.reboot(id);
        }
        response.add("return", true);
    }

    private static List<String> requireIds(final QueryRequest r)
    {
        final List<String> ids = r.ids("InstanceId", IdKind.INSTANCE);
        if (ids.isEmpty())
        {
            throw new Ec2Exception(Ec2Error.MISSING_PARAMETER, "The request must contain the parameter InstanceId");
        }
        return ids;
    }

    /** After the data plane let a terminated instance go: volumes marked delete-on-termination and its ENI go. */
    static void afterTermination(final Ec2Context ctx, final String instanceId)
    {
        final Ec2State.InstanceRecord record = ctx.state.instances.get(instanceId);
        for (final String volumeId : ctx.state.volumesOf(instanceId))
        {
            final Ec2State.VolumeRecord v = ctx.state.volumes.get(volumeId);
            if (v.deleteOnTermination)
            {
                ctx.state.volumes.remove(volumeId);
                ctx.state.forget(volumeId);
            }
            else
            {
                v.state = "available";
                v.instanceId = null;
                v.device = null;
            }
        }
        record.devices.clear();
        for (final Ec2State.EniRecord eni : List.copyOf(ctx.state.enis.values()))
        {
            if (instanceId.equals(eni.instanceId))
            {
                eni.instanceId = null;
                eni.attachmentId = null;
                eni.deviceIndex = -1;
                if (eni.deleteOnTermination)
                {
                    ctx.region.vpc().deleteNetworkInterface(eni.id);
                    ctx.state.enis.remove(eni.id);
                    ctx.state.forget(eni.id);
                }
            }
        }
        record.stateReason = "Client.UserInitiatedShutdown: User initiated shutdown";
    }

    // ---- describe ----

    private static void describeInstances(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<String> ids = r.ids("InstanceId", IdKind.INSTANCE);
        if (!ids.isEmpty() && r.has("MaxResults"))
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_COMBINATION,
                "The parameter instancesSet cannot be used with the parameter maxResults");
        }
        final List<Ec2State.InstanceRecord> all = Describe.byIds(ids, ctx.state.instances, IdKind.INSTANCE::notFound);
        final List<Ec2State.InstanceRecord> kept = Describe.filter(all, r, INSTANCE_FILTERS,
            (i, name) -> instanceValues(ctx, i, name), i -> ctx.state.tagsOf(i.id));
        final Describe.Page<Ec2State.InstanceRecord> page = Describe.page(kept, r, 5, 1000);
        final Map<String, List<Xml>> byReservation = new LinkedHashMap<>();
        for (final Ec2State.InstanceRecord i : page.items())
        {
            byReservation.computeIfAbsent(i.reservationId, k -> new ArrayList<>()).add(Views.instance(ctx, i, "item"));
        }
        final List<Xml> reservations = new ArrayList<>();
        for (final Map.Entry<String, List<Xml>> e : byReservation.entrySet())
        {
            reservations.add(Xml.element("item").add("reservationId", e.getKey()).add("ownerId", Ec2State.OWNER_ID)
                .addSet("groupSet", List.of()).addSet("instancesSet", e.getValue()));
        }
        response.addSet("reservationSet", reservations).add("nextToken", page.nextToken());
    }

    private static List<String> instanceValues(final Ec2Context ctx, final Ec2State.InstanceRecord i,
        final String name)
    {
        final Instance instance = ctx.region.instance(i.id).instance();
        final boolean gone = instance.state() == InstanceState.TERMINATED;
        return switch (name)
        {
            case "instance-id" -> List.of(i.id);
            case "instance-state-name" -> List.of(instance.state().ec2Name());
            case "instance-state-code" -> List.of(String.valueOf(instance.stateCode()));
            case "instance-type" -> List.of(i.type);
            case "vpc-id" -> gone ? List.of() : List.of(i.vpcId);
            case "subnet-id" -> gone ? List.of() : List.of(i.subnetId);
            case "private-ip-address" -> gone ? List.of() : List.of(Views.primaryIp(ctx, i));
            case "image-id" -> List.of(i.imageId);
            case "availability-zone" -> List.of(ctx.availabilityZone());
            case "reservation-id" -> List.of(i.reservationId);
            case "network-interface.network-interface-id" -> Views.eniIds(ctx, i.id);
            case "instance.group-id" -> gone ? List.of() : Views.groupIds(ctx, i.primaryEniId);
            case "block-device-mapping.volume-id" -> List.copyOf(i.devices.values());
            case "hypervisor" -> List.of("xen");
            case "key-name" -> i.keyName == null ? List.of() : List.of(i.keyName);
            default -> null;
        };
    }

    private static void describeInstanceStatus(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final boolean all = r.bool("IncludeAllInstances", false);
        final List<Ec2State.InstanceRecord> listed = Describe.byIds(r.ids("InstanceId", IdKind.INSTANCE),
            ctx.state.instances, IdKind.INSTANCE::notFound);
        final List<Ec2State.InstanceRecord> candidates = new ArrayList<>();
        for (final Ec2State.InstanceRecord i : listed)
        {
            final InstanceState s = ctx.region.instance(i.id).instance().state();
            if (all || s == InstanceState.RUNNING)
            {
                candidates.add(i);
            }
        }
        final List<Ec2State.InstanceRecord> kept = Describe.filter(candidates, r,
            Set.of("instance-id", "instance-state-name", "instance-state-code", "availability-zone"),
            (i, name) -> instanceValues(ctx, i, name), null);
        final Describe.Page<Ec2State.InstanceRecord> page = Describe.page(kept, r, 5, 1000);
        final List<Xml> items = new ArrayList<>();
        for (final Ec2State.InstanceRecord i : page.items())
        {
            final InstanceState s = ctx.region.instance(i.id).instance().state();
            final String health = s == InstanceState.RUNNING ? "ok" : "not-applicable";
            items.add(Xml.element("item").add("instanceId", i.id).add("availabilityZone", ctx.availabilityZone())
                .add(Views.state("instanceState", s))
                .add(summary("systemStatus", health)).add(summary("instanceStatus", health))
                .add(Xml.element("attachedEbsStatus").add("status", health)));
        }
        response.addSet("instanceStatusSet", items).add("nextToken", page.nextToken());
    }

    private static Xml summary(final String name, final String health)
    {
        final Xml details = Xml.element("details");
        if (health.equals("ok"))
        {
            details.add(Xml.element("item").add("name", "reachability").add("status", "passed"));
        }
        return Xml.element(name).add("status", health).add(details);
    }

    private static void describeInstanceTypes(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<String> names = r.list("InstanceType");
        final List<InstanceType> types = new ArrayList<>();
        if (names.isEmpty())
        {
            types.addAll(ctx.region.catalog().types());
        }
        for (final String name : names)
        {
            types.add(ctx.region.catalog().find(name).orElseThrow(() -> new Ec2Exception(
                Ec2Error.INVALID_PARAMETER_VALUE, "The following supplied instance types do not exist: [" + name + "]")));
        }
        final List<InstanceType> kept = Describe.filter(types, r, TYPE_FILTERS, InstanceActions::typeValues, null);
        final Describe.Page<InstanceType> page = Describe.page(kept, r, 5, 100);
        final List<Xml> items = new ArrayList<>();
        for (final InstanceType t : page.items())
        {
            items.add(Views.instanceType(t));
        }
        response.addSet("instanceTypeSet", items).add("nextToken", page.nextToken());
    }

    private static List<String> typeValues(final InstanceType t, final String name)
    {
        return switch (name)
        {
            case "instance-type" -> List.of(t.type());
            case "hypervisor" -> List.of("nitro");
            case "vcpu-info.default-vcpus" -> List.of(String.valueOf(t.vcpus()));
            case "memory-info.size-in-mib" -> List.of(String.valueOf(t.memoryGiB() * 1024L));
            case "network-info.maximum-network-interfaces" -> List.of(String.valueOf(t.maxEnis()));
            case "current-generation" -> List.of("true");
            default -> null;
        };
    }

    static String gbps(final BigDecimal gbps)
    {
        return gbps.stripTrailingZeros().toPlainString();
    }
}
