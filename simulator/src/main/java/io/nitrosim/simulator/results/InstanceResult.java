package io.nitrosim.simulator.results;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One instance of the run.
 *
 * @param name      the scenario's name for it.
 * @param id        i-... id.
 * @param type      instance type, e.g. c5.large.
 * @param host      the host it ran on.
 * @param netIn     inbound network against the instance caps.
 * @param netOut    outbound network against the instance caps.
 * @param ebs       EBS traffic against the instance's EBS caps.
 * @param allowance the five ENA allowance counters summed over the instance's ENIs, in ENA's order.
 * @param enis      its network interfaces, primary first.
 */
public record InstanceResult(
    String name,
    String id,
    String type,
    String host,
    DirectionResult netIn,
    DirectionResult netOut,
    EbsInstanceResult ebs,
    Map<String, Long> allowance,
    List<EniResult> enis)
{
    public InstanceResult
    {
        Checks.text("name", name);
        Checks.text("id", id);
        Checks.text("type", type);
        Checks.text("host", host);
        Objects.requireNonNull(netIn, "netIn must not be null");
        Objects.requireNonNull(netOut, "netOut must not be null");
        Objects.requireNonNull(ebs, "ebs must not be null");
        allowance = AllowanceCounters.normalize("instance " + name + " allowance", allowance);
        enis = Checks.list("enis", enis);
    }
}
