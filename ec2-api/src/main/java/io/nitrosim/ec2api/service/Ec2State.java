package io.nitrosim.ec2api.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.nitrosim.ec2api.protocol.QueryRequest.IdKind;

/**
 * The EC2 control plane's own records, beside what the data plane holds (the hypervisor's instances, the VPC
 * model's VPCs, subnets, groups and ENIs): reservations, launch and attach times, volumes while detached,
 * delete-on-termination flags, descriptions and tags. Owned by the region's runtime thread; every id comes from
 * one seeded generator, so replaying the journal rebuilds the same ids.
 */
final class Ec2State
{
    /** EC2's owner id of every resource (the simulated account). */
    static final String OWNER_ID = "000000000000";

    private final SplittableRandom ids;
    final Map<String, InstanceRecord> instances = new LinkedHashMap<>();
    final Map<String, VolumeRecord> volumes = new LinkedHashMap<>();
    final Map<String, EniRecord> enis = new LinkedHashMap<>();
    final Map<String, GroupRecord> groups = new LinkedHashMap<>();
    final Map<String, SubnetRecord> subnets = new LinkedHashMap<>();
    final Map<String, VpcRecord> vpcs = new LinkedHashMap<>();
    final Map<String, Map<String, String>> tags = new LinkedHashMap<>();
    String defaultVpcId;
    String defaultSubnetId;

    Ec2State(final long seed)
    {
        this.ids = new SplittableRandom(seed ^ 0xEC2L);
    }

    /** "prefix-" + 17 lower-case hex digits, as EC2's long ids. */
    String newId(final String prefix)
    {
        return prefix + "-" + Character.forDigit(ids.nextInt(16), 16) + String.format("%016x", ids.nextLong());
    }

    static final class InstanceRecord
    {
        final String id;
        final String reservationId;
        final String imageId;
        final String type;
        final String subnetId;
        final String vpcId;
        final long launchTimeMillis;
        final int launchIndex;
        final String keyName;
        final String primaryEniId;
        /** device name -> volume id, in attach order. */
        final Map<String, String> devices = new LinkedHashMap<>();
        String stateReason;

        InstanceRecord(final String id, final String reservationId, final String imageId, final String type,
            final String subnetId, final String vpcId, final long launchTimeMillis, final int launchIndex,
            final String keyName, final String primaryEniId)
        {
            this.id = id;
            this.reservationId = reservationId;
            this.imageId = imageId;
            this.type = type;
            this.subnetId = subnetId;
            this.vpcId = vpcId;
            this.launchTimeMillis = launchTimeMillis;
            this.launchIndex = launchIndex;
            this.keyName = keyName;
            this.primaryEniId = primaryEniId;
        }
    }

    static final class VolumeRecord
    {
        final String id;
        final long createTimeMillis;
        String type;
        int sizeGiB;
        Integer iops;
        Integer throughputMiBps;
        String state = "available";
        String instanceId;
        String device;
        long attachTimeMillis;
        boolean deleteOnTermination;
        Modification modification;

        VolumeRecord(final String id, final long createTimeMillis)
        {
            this.id = id;
            this.createTimeMillis = createTimeMillis;
        }
    }

    record Modification(String type, int size, Integer iops, Integer throughput, String originalType, int originalSize,
        Integer originalIops, Integer originalThroughput, long startMillis)
    {
    }

    static final class EniRecord
    {
        final String id;
        final String description;
        String attachmentId;
        String instanceId;
        int deviceIndex = -1;
        long attachTimeMillis;
        boolean deleteOnTermination;

        EniRecord(final String id, final String description)
        {
            this.id = id;
            this.description = description;
        }
    }

    record GroupRecord(String id, String description)
    {
    }

    record SubnetRecord(String id, boolean defaultForAz)
    {
    }

    record VpcRecord(String id, boolean isDefault)
    {
    }

    // ---- lookups that refuse as EC2 does ----

    InstanceRecord instance(final String id)
    {
        final InstanceRecord r = instances.get(IdKind.INSTANCE.check(id));
        if (r == null)
        {
            throw IdKind.INSTANCE.notFound(id);
        }
        return r;
    }

    VolumeRecord volume(final String id)
    {
        final VolumeRecord r = volumes.get(IdKind.VOLUME.check(id));
        if (r == null)
        {
            throw IdKind.VOLUME.notFound(id);
        }
        return r;
    }

    EniRecord eni(final String id)
    {
        final EniRecord r = enis.get(IdKind.NETWORK_INTERFACE.check(id));
        if (r == null)
        {
            throw IdKind.NETWORK_INTERFACE.notFound(id);
        }
        return r;
    }

    // ---- tags ----

    Map<String, String> tagsOf(final String resourceId)
    {
        final Map<String, String> t = tags.get(resourceId);
        return t == null ? Map.of() : t;
    }

    void tag(final String resourceId, final String key, final String value)
    {
        tags.computeIfAbsent(resourceId, k -> new LinkedHashMap<>()).put(key, value == null ? "" : value);
    }

    void forget(final String resourceId)
    {
        tags.remove(resourceId);
    }

    /** The EC2 resource type of an id this API knows, or null. */
    String resourceType(final String resourceId)
    {
        if (instances.containsKey(resourceId))
        {
            return "instance";
        }
        if (volumes.containsKey(resourceId))
        {
            return "volume";
        }
        if (enis.containsKey(resourceId))
        {
            return "network-interface";
        }
        if (groups.containsKey(resourceId))
        {
            return "security-group";
        }
        if (subnets.containsKey(resourceId))
        {
            return "subnet";
        }
        if (vpcs.containsKey(resourceId))
        {
            return "vpc";
        }
        return null;
    }

    List<String> volumesOf(final String instanceId)
    {
        final List<String> result = new ArrayList<>();
        for (final VolumeRecord v : volumes.values())
        {
            if (instanceId.equals(v.instanceId))
            {
                result.add(v.id);
            }
        }
        return result;
    }
}
