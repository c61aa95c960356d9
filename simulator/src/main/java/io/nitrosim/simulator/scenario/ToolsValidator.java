package io.nitrosim.simulator.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code exports} and {@code ports} sections (the doors for outside programs, docs/tools.md), checked through
 * the path-aware {@link FieldChecks} like every other section.
 */
final class ToolsValidator
{
    private static final Pattern LISTEN = Pattern.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}):(\\d{1,5})");
    private static final Pattern TARGET = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,63}):(\\d{1,5})");

    private final FieldChecks checks;
    private final Scenario.ClockMode clock;
    private final Scenario.PayloadMode payload;
    private final Map<String, String> volumeOwners = new LinkedHashMap<>();
    private final Set<String> instanceNames = new LinkedHashSet<>();
    private final Set<String> fioVolumes = new LinkedHashSet<>();

    ToolsValidator(final FieldChecks checks, final Scenario.ClockMode clock, final Scenario.PayloadMode payload,
        final List<Scenario.Instance> instances, final List<Scenario.Workload> workloads)
    {
        this.checks = checks;
        this.clock = clock;
        this.payload = payload;
        for (final Scenario.Instance i : instances)
        {
            instanceNames.add(i.name());
            for (final Scenario.Volume v : i.volumes())
            {
                volumeOwners.put(v.name(), i.name());
            }
        }
        for (final Scenario.Workload w : workloads)
        {
            if (w instanceof Scenario.FioWorkload)
            {
                fioVolumes.add(((Scenario.FioWorkload)w).volume());
            }
        }
    }

    /** {@code exports: [{volume, port, readOnly}]}: at most one export per volume, none for a fio workload's. */
    List<Scenario.Export> exports(final List<ScenarioSpec.ExportSpec> specs)
    {
        final List<ScenarioSpec.ExportSpec> list = checks.list("exports", specs, ScenarioLimits.MAX_EXPORTS);
        requireRealBytes("exports", list);
        final List<Scenario.Export> exports = new ArrayList<>();
        final Set<String> exported = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "exports[" + i + "]";
            final ScenarioSpec.ExportSpec e = checks.entry(path, list.get(i), "{volume, port}");
            final String volume = checks.reference(path + ".volume", e.volume(), volumeOwners.keySet(), "volume");
            if (!exported.add(volume))
            {
                throw checks.error(path + ".volume", "volume " + MessageText.quoted(volume) + " is exported twice");
            }
            if (fioVolumes.contains(volume))
            {
                throw checks.error(path + ".volume", "volume " + MessageText.quoted(volume) + " is used by a fio "
                    + "workload; an exported volume belongs to its NBD clients");
            }
            final int port = port(path + ".port", e.port() == null ? null : e.port().longValue(), 0);
            exports.add(new Scenario.Export(volume, volumeOwners.get(volume), port, Boolean.TRUE.equals(e.readOnly())));
        }
        return List.copyOf(exports);
    }

    /** {@code ports: [{instance, listen, to, protocol}]}: loopback listens, no two on one address and protocol. */
    List<Scenario.Port> ports(final List<ScenarioSpec.PortSpec> specs, final List<Scenario.Export> exports)
    {
        final List<ScenarioSpec.PortSpec> list = checks.list("ports", specs, ScenarioLimits.MAX_PORTS);
        requireRealBytes("ports", list);
        final Set<String> listens = new LinkedHashSet<>();
        for (final Scenario.Export e : exports)
        {
            if (e.port() != 0)
            {
                listens.add("tcp 127.0.0.1:" + e.port());
            }
        }
        final List<Scenario.Port> ports = new ArrayList<>();
        for (int i = 0; i < list.size(); i++)
        {
            final String path = "ports[" + i + "]";
            final ScenarioSpec.PortSpec p = checks.entry(path, list.get(i), "{instance, listen, to, protocol}");
            final String instance = checks.reference(path + ".instance", p.instance(), instanceNames, "instance");
            final String protocol = checks.oneOf(path + ".protocol", p.protocol(), "tcp", List.of("tcp", "udp"));
            final Matcher listen = LISTEN.matcher(p.listen() == null ? "" : p.listen());
            if (!listen.matches() || !loopback(listen.group(1)))
            {
                throw checks.error(path + ".listen", MessageText.quoted(p.listen()) + " is not a loopback address and "
                    + "port; accepted 127.x.y.z:PORT, e.g. 127.0.0.1:15201");
            }
            final int listenPort = port(path + ".listen", Long.parseLong(listen.group(2)), 0);
            final String listenKey = protocol + " " + listen.group(1) + ":" + listenPort;
            if (listenPort != 0 && !listens.add(listenKey))
            {
                throw checks.error(path + ".listen", listenKey + " is already taken by another export or port");
            }
            final Matcher to = TARGET.matcher(p.to() == null ? "" : p.to());
            if (!to.matches())
            {
                throw checks.error(path + ".to", MessageText.quoted(p.to()) + " is not INSTANCE:PORT, e.g. server:5201");
            }
            final String toInstance = checks.reference(path + ".to", to.group(1), instanceNames, "instance");
            if (toInstance.equals(instance))
            {
                throw checks.error(path + ".to", MessageText.quoted(p.to()) + " is the instance's own address; a port "
                    + "bridges two instances");
            }
            final int toPort = port(path + ".to", Long.parseLong(to.group(2)), 1);
            ports.add(new Scenario.Port(instance, listen.group(1), listenPort, toInstance, toPort, protocol));
        }
        return List.copyOf(ports);
    }

    /** Outside programs run on the wall clock and move real bytes. */
    private void requireRealBytes(final String section, final List<?> entries)
    {
        if (entries.isEmpty())
        {
            return;
        }
        if (clock != Scenario.ClockMode.REAL)
        {
            throw checks.error(section, "outside programs run on the wall clock: a scenario with exports or ports "
                + "needs 'clock: real' (this one is virtual)");
        }
        if (payload != Scenario.PayloadMode.FULL)
        {
            throw checks.error(section, "exports and ports carry real bytes: they need 'payload: full' (this one is "
                + "timing-only)");
        }
    }

    private int port(final String path, final Long value, final int min)
    {
        final String accepted = "accepted " + min + "..65535" + (min == 0 ? " (0 = any free port)" : "");
        if (value == null)
        {
            throw checks.error(path, "missing port; " + accepted);
        }
        if (value < min || value > 65_535)
        {
            throw checks.error(path, "port " + value + " is out of range; " + accepted);
        }
        return value.intValue();
    }

    private static boolean loopback(final String address)
    {
        final String[] parts = address.split("\\.");
        for (final String part : parts)
        {
            if (Integer.parseInt(part) > 255)
            {
                return false;
            }
        }
        return parts[0].equals("127");
    }
}
