package io.nitrosim.simulator.results;

import java.util.Map;

/**
 * One elastic network interface of an instance.
 *
 * @param name      the scenario's name for it.
 * @param id        eni-... id.
 * @param mac       MAC address, lower-case colon form.
 * @param ipv4      primary private IPv4 address.
 * @param bytesIn   bytes received.
 * @param bytesOut  bytes sent.
 * @param allowance the five ENA allowance counters of this interface, in ENA's order
 *                  (see {@link AllowanceCounters}).
 */
public record EniResult(
    String name,
    String id,
    String mac,
    String ipv4,
    long bytesIn,
    long bytesOut,
    Map<String, Long> allowance)
{
    public EniResult
    {
        Checks.text("name", name);
        Checks.text("id", id);
        Checks.text("mac", mac);
        Checks.text("ipv4", ipv4);
        Checks.nonNegative("bytesIn", bytesIn);
        Checks.nonNegative("bytesOut", bytesOut);
        allowance = AllowanceCounters.normalize("eni " + name + " allowance", allowance);
    }
}
