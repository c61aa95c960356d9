package io.nitrosim.ec2api.service;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import io.nitrosim.simulator.region.RegionControl;

/**
 * What an action sees while it runs on the region's thread: the data plane, the control plane's records, the
 * request's wall-clock time (journaled, so a replay gives every resource the times it had) and whether this is a
 * replay (no timers are started then: the journal holds the transitions).
 */
final class Ec2Context
{
    final RegionControl region;
    final Ec2State state;
    final Ec2Service service;
    final long nowMillis;
    final boolean replaying;

    Ec2Context(final RegionControl region, final Ec2State state, final Ec2Service service, final long nowMillis,
        final boolean replaying)
    {
        this.region = region;
        this.state = state;
        this.service = service;
        this.nowMillis = nowMillis;
        this.replaying = replaying;
    }

    String availabilityZone()
    {
        return service.availabilityZone();
    }

    /** Completes the instance's transition after the configured delay (a journaled event), unless replaying. */
    void completeLater(final String instanceId)
    {
        if (!replaying)
        {
            region.schedule(service.transitionDelayNs(), c -> service.completeTransition(c, instanceId));
        }
    }

    /** EC2's timestamp format: ISO 8601 with milliseconds, UTC. */
    static String time(final long millis)
    {
        return TIME.format(Instant.ofEpochMilli(millis));
    }

    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
}
