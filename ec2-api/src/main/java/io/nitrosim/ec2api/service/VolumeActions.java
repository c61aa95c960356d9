package io.nitrosim.ec2api.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ebs.volume.VolumeSpec;
import io.nitrosim.ebs.volume.VolumeType;
import io.nitrosim.ec2api.protocol.QueryRequest;
import io.nitrosim.ec2api.protocol.QueryRequest.IdKind;
import io.nitrosim.ec2api.protocol.Xml;

/**
 * CreateVolume, DeleteVolume, AttachVolume, DetachVolume, ModifyVolume, DescribeVolumes. A volume is a record
 * while detached; attached, it is an NVMe function on the instance's EBS card whose buckets (the volume type's
 * and the instance's) shape its I/O, its blocks kept by the region's storage engine.
 */
final class VolumeActions
{
    private static final Set<String> FILTERS = Set.of("volume-id", "status", "volume-type", "size",
        "availability-zone", "attachment.instance-id", "attachment.device", "attachment.status",
        "attachment.delete-on-termination");

    private VolumeActions()
    {
    }

    static void register(final Map<String, Ec2Service.Action> actions)
    {
        actions.put("CreateVolume", new Ec2Service.Action(true, VolumeActions::createVolume));
        actions.put("DeleteVolume", new Ec2Service.Action(true, VolumeActions::deleteVolume));
        actions.put("AttachVolume", new Ec2Service.Action(true, VolumeActions::attachVolume));
        actions.put("DetachVolume", new Ec2Service.Action(true, VolumeActions::detachVolume));
        actions.put("ModifyVolume", new Ec2Service.Action(true, VolumeActions::modifyVolume));
        actions.put("DescribeVolumes", new Ec2Service.Action(false, VolumeActions::describeVolumes));
    }

    /** The volume's spec as the EBS card takes it; refuses what the volume type does not allow. */
    static VolumeSpec spec(final String id, final String type, final int sizeGiB, final Integer iops,
        final Integer throughput, final String device)
    {
        try
        {
            final VolumeSpec.Builder b = VolumeSpec.builder().volumeId(id).type(type).sizeGiB(sizeGiB)
                .deviceName(device == null ? "/dev/sdf" : device);
            if (iops != null)
            {
                b.iops(iops);
            }
            if (throughput != null)
            {
                b.throughputMiBps(throughput);
            }
            return b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, ex.getMessage());
        }
    }

    /** The spec of a volume the API already holds: provisioned IOPS and throughput only where the type has them. */
    static VolumeSpec specOf(final Ec2State.VolumeRecord v, final String device)
    {
        final boolean provisioned = v.type.equals("gp3") || v.type.equals("io1") || v.type.equals("io2");
        return spec(v.id, v.type, v.sizeGiB, provisioned ? v.iops : null, v.type.equals("gp3") ? v.throughputMiBps : null,
            device);
    }

    private static Ec2State.VolumeRecord newVolume(final Ec2Context ctx, final String type, final Integer size,
        final Integer iops, final Integer throughput)
    {
        final String volumeType = type == null ? VolumeType.GP2.apiName() : type;
        if (size == null)
        {
            throw new Ec2Exception(Ec2Error.MISSING_PARAMETER, "The request must contain the parameter size");
        }
        final String id = ctx.state.newId("vol");
        final VolumeSpec spec = spec(id, volumeType, size, iops, throughput, null);
        final Ec2State.VolumeRecord v = new Ec2State.VolumeRecord(id, ctx.nowMillis);
        v.type = spec.type().apiName();
        v.sizeGiB = spec.sizeGiB();
        v.iops = spec.iops();
        v.throughputMiBps = spec.type() == VolumeType.GP3 ? Integer.valueOf(spec.throughputMiBps()) : null;
        return v;
    }

    private static void createVolume(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final String zone = r.requireString("AvailabilityZone");
        if (!zone.equals(ctx.availabilityZone()))
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, "Invalid availability zone: [" + zone
                + "]; this region has " + ctx.availabilityZone());
        }
        if (r.has("SnapshotId"))
        {
            throw new Ec2Exception(Ec2Error.UNSUPPORTED_OPERATION, "Volumes from snapshots are not simulated");
        }
        final Map<String, Map<String, String>> tags = TagActions.tagSpecifications(r);
        final Ec2State.VolumeRecord v = newVolume(ctx, r.string("VolumeType"), r.integer("Size"), r.integer("Iops"),
            r.integer("Throughput"));
        ctx.state.volumes.put(v.id, v);
        TagActions.apply(ctx.state, v.id, tags.get("volume"));
        response.add("volumeId", v.id).add("size", v.sizeGiB).add("snapshotId", "")
            .add("availabilityZone", ctx.availabilityZone()).add("status", "creating")
            .add("createTime", Ec2Context.time(v.createTimeMillis)).add("volumeType", v.type).add("iops", v.iops)
            .add("throughput", v.throughputMiBps).add("encrypted", false).add("multiAttachEnabled", false)
            .add(Views.tagSet(ctx, v.id));
    }

    /** A block device mapping of RunInstances: a new volume attached at launch (deleted with the instance by default). */
    static void createAndAttachAtLaunch(final Ec2Context ctx, final String instanceId, final QueryRequest mapping,
        final Map<String, String> tags)
    {
        final String device = mapping.requireString("DeviceName");
        if (mapping.has("NoDevice") || mapping.has("VirtualName"))
        {
            return; // suppressing an AMI's device or naming an instance store: nothing to create here
        }
        if (mapping.has("Ebs.SnapshotId"))
        {
            throw new Ec2Exception(Ec2Error.UNSUPPORTED_OPERATION, "Volumes from snapshots are not simulated");
        }
        final Ec2State.VolumeRecord v = newVolume(ctx, mapping.string("Ebs.VolumeType"),
            mapping.integer("Ebs.VolumeSize"), mapping.integer("Ebs.Iops"), mapping.integer("Ebs.Throughput"));
        v.deleteOnTermination = mapping.bool("Ebs.DeleteOnTermination", true);
        ctx.state.volumes.put(v.id, v);
        attach(ctx, v, instanceId, device);
        TagActions.apply(ctx.state, v.id, tags);
    }

    private static void attach(final Ec2Context ctx, final Ec2State.VolumeRecord v, final String instanceId,
        final String device)
    {
        if (!VolumeSpec.DEVICE_NAME.matcher(device).matches())
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, "Value (" + device + ") for parameter device is "
                + "invalid. " + device + " is not a valid EBS device name (accepted: /dev/sd[a-z][a-z] or /dev/xvd[a-z][a-z])");
        }
        final Ec2State.InstanceRecord instance = ctx.state.instance(instanceId);
        if (instance.devices.containsKey(device))
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, "Invalid value '" + device
                + "' for unixDevice. Attachment point " + device + " is already in use");
        }
        ctx.region.attachVolume(instanceId, specOf(v, device));
        v.state = "in-use";
        v.instanceId = instanceId;
        v.device = device;
        v.attachTimeMillis = ctx.nowMillis;
        instance.devices.put(device, v.id);
    }

    private static void deleteVolume(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final Ec2State.VolumeRecord v = ctx.state.volume(r.requireString("VolumeId"));
        if (v.instanceId != null)
        {
            throw new Ec2Exception(Ec2Error.VOLUME_IN_USE, "Volume " + v.id + " is currently attached to " + v.instanceId);
        }
        ctx.state.volumes.remove(v.id);
        ctx.state.forget(v.id);
        response.add("return", true);
    }

    private static void attachVolume(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final String device = r.requireString("Device");
        final String instanceId = r.requireId("InstanceId", IdKind.INSTANCE);
        final Ec2State.VolumeRecord v = ctx.state.volume(r.requireString("VolumeId"));
        ctx.state.instance(instanceId);
        if (v.instanceId != null)
        {
            throw new Ec2Exception(Ec2Error.VOLUME_IN_USE, v.id + " is already attached to an instance");
        }
        attach(ctx, v, instanceId, device);
        response.add("volumeId", v.id).add("instanceId", instanceId).add("device", device).add("status", "attaching")
            .add("attachTime", Ec2Context.time(v.attachTimeMillis)).add("deleteOnTermination", v.deleteOnTermination);
    }

    private static void detachVolume(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final Ec2State.VolumeRecord v = ctx.state.volume(r.requireString("VolumeId"));
        final String instanceId = r.id("InstanceId", IdKind.INSTANCE);
        if (v.instanceId == null)
        {
            throw new Ec2Exception(Ec2Error.INCORRECT_STATE, "Volume '" + v.id + "' is in the '" + v.state + "' state.");
        }
        if (instanceId != null && !instanceId.equals(v.instanceId) || r.has("Device") && !r.string("Device").equals(v.device))
        {
            throw new Ec2Exception(Ec2Error.INVALID_ATTACHMENT_NOT_FOUND, "Volume '" + v.id + "' is attached to "
                + v.instanceId + " as " + v.device + ", not as given");
        }
        ctx.region.detachVolume(v.id);
        response.add("volumeId", v.id).add("instanceId", v.instanceId).add("device", v.device)
            .add("status", "detaching").add("attachTime", Ec2Context.time(v.attachTimeMillis))
            .add("deleteOnTermination", v.deleteOnTermination);
        ctx.state.instances.get(v.instanceId).devices.remove(v.device);
        v.state = "available";
        v.instanceId = null;
        v.device = null;
        v.deleteOnTermination = false;
    }

    private static void modifyVolume(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final Ec2State.VolumeRecord v = ctx.state.volume(r.requireString("VolumeId"));
        final String type = r.string("VolumeType") == null ? v.type : r.string("VolumeType");
        final int size = r.integer("Size") == null ? v.sizeGiB : r.integer("Size");
        if (size < v.sizeGiB)
        {
            throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, "New size cannot be smaller than existing size ("
                + size + " < " + v.sizeGiB + " GiB)");
        }
        final boolean sameType = type.equals(v.type);
        final VolumeSpec current = specOf(v, v.device);
        final boolean keepIops = sameType && (type.equals("gp3") || type.startsWith("io"));
        final Integer iops = r.integer("Iops") != null ? r.integer("Iops") : keepIops ? (Integer)current.iops() : null;
        final Integer throughput = r.integer("Throughput") != null ? r.integer("Throughput") :
            sameType && type.equals("gp3") ? (Integer)current.throughputMiBps() : null;
        final VolumeSpec modified = spec(v.id, type, size, iops, throughput, v.device);
        if (v.instanceId != null)
        {
            if (!sameType || size != v.sizeGiB)
            {
                throw new Ec2Exception(Ec2Error.UNSUPPORTED_OPERATION, "nitro-sim changes the type or size of "
                    + v.id + " only while it is detached; IOPS and throughput change live");
            }
            ctx.region.modifyVolume(modified);
        }
        final Ec2State.Modification m = new Ec2State.Modification(modified.type().apiName(), modified.sizeGiB(),
            modified.iops(), modified.type() == VolumeType.GP3 ? modified.throughputMiBps() : null, v.type, v.sizeGiB,
            v.iops, v.throughputMiBps, ctx.nowMillis);
        v.type = m.type();
        v.sizeGiB = m.size();
        v.iops = m.iops();
        v.throughputMiBps = m.throughput();
        v.modification = m;
        response.add(Xml.element("volumeModification").add("volumeId", v.id).add("modificationState", "completed")
            .add("targetSize", m.size()).add("targetIops", m.iops()).add("targetVolumeType", m.type())
            .add("targetThroughput", m.throughput()).add("originalSize", m.originalSize())
            .add("originalIops", m.originalIops()).add("originalVolumeType", m.originalType())
            .add("originalThroughput", m.originalThroughput()).add("progress", 100)
            .add("startTime", Ec2Context.time(m.startMillis())).add("endTime", Ec2Context.time(m.startMillis())));
    }

    private static void describeVolumes(final Ec2Context ctx, final QueryRequest r, final Xml response)
    {
        final List<String> ids = r.ids("VolumeId", IdKind.VOLUME);
        final List<Ec2State.VolumeRecord> all = Describe.byIds(ids, ctx.state.volumes, IdKind.VOLUME::notFound);
        final List<Ec2State.VolumeRecord> kept = Describe.filter(all, r, FILTERS, (v, name) -> values(ctx, v, name),
            v -> ctx.state.tagsOf(v.id));
        final Describe.Page<Ec2State.VolumeRecord> page = Describe.page(kept, r, 5, 500);
        final List<Xml> items = new ArrayList<>();
        for (final Ec2State.VolumeRecord v : page.items())
        {
            items.add(Views.volume(ctx, v, "item"));
        }
        response.addSet("volumeSet", items).add("nextToken", page.nextToken());
    }

    private static List<String> values(final Ec2Context ctx, final Ec2State.VolumeRecord v, final String name)
    {
        final boolean attached = v.instanceId != null;
        return switch (name)
        {
            case "volume-id" -> List.of(v.id);
            case "status" -> List.of(v.state);
            case "volume-type" -> List.of(v.type);
            case "size" -> List.of(String.valueOf(v.sizeGiB));
            case "availability-zone" -> List.of(ctx.availabilityZone());
            case "attachment.instance-id" -> attached ? List.of(v.instanceId) : List.of();
            case "attachment.device" -> attached ? List.of(v.device) : List.of();
            case "attachment.status" -> attached ? List.of("attached") : List.of();
            case "attachment.delete-on-termination" -> attached ? List.of(String.valueOf(v.deleteOnTermination)) :
                List.of();
            default -> null;
        };
    }
}
