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
 * Checks the {@code exports} and {@code ports} sections (the doors for outside programs, docs/tools.md): each
 * problem one line with the field path, line and column, as the rest of the scenario.
 */
final class ToolsValidator
{
    private static final Pattern LISTEN = Pattern.compile("(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}):(\\d{1,5})");
    private static final Pattern TARGET = Pattern.compile("([A-Za-z0-9][A-Za-z0-9._-]{0,63}):(\\d{1,5})");

    /** The validated sections. */
    record Tools(List<Scenario.Export> exports, List<Scenario.Port> ports)
    {
    }

    private final String source;
    private final LocationIndex locations;

    ToolsValidator(final String source, final LocationIndex locations)
    {
        this.source = source;
        this.locations = locations;
    }

    private ScenarioException error(final String path, final String problem)
    {
        return new ScenarioException(source + locations.where(path) + ": " + path + ": " + problem);
    }

    Tools validate(final ScenarioSpec spec, final Scenario.ClockMode clock, final Scenario.PayloadMode payload,
        final List<Scenario.Instance> instances, final List<Scenario.Workload> workloads)
    {
        final List<ScenarioSpec.ExportSpec> exportSpecs = spec.exports() == null ? List.of() : spec.exports();
        final List<ScenarioSpec.PortSpec> portSpecs = spec.ports() == null ? List.of() : spec.ports();
        if (exportSpecs.isEmpty() && portSpecs.isEmpty())
        {
            return new Tools(List.of(), List.of());
        }
        final String section = exportSpecs.isEmpty() ? "ports" : "exports";
        if (clock != Scenario.ClockMode.REAL)
        {
            throw error(section, "outside programs run on the wall clock: a scenario with exports or ports needs "
                + "'clock: real' (this one is virtual)");
        }
        if (payload != Scenario.PayloadMode.FULL)
        {
            throw error(section, "exports and ports carry real bytes: they need 'payload: full' (this one is timing-only)");
        }
        final Map<String, String> volumeOwners = new LinkedHashMap<>();
        final Set<String> instanceNames = new LinkedHashSet<>();
        for (final Scenario.Instance i : instances)
        {
            instanceNames.add(i.name());
            for (final Scenario.Volume v : i.volumes())
            {
                volumeOwners.put(v.name(), i.name());
            }
        }
        final Set<String> fioVolumes = new LinkedHashSet<>();
        for (final Scenario.Workload w : workloads)
        {
            if (w instanceof Scenario.FioWorkload)
            {
                fioVolumes.add(((Scenario.FioWorkload)w).volume());
            }
        }
        final Set<String> tcpListens = new LinkedHashSet<>();
        final List<Scenario.Export> exports = new ArrayList<>();
        final Set<String> exported = new LinkedHashSet<>();
        for (int i = 0; i < exportSpecs.size(); i++)
        {
            final ScenarioSpec.ExportSpec e = exportSpecs.get(i);
            final String path = "exports[" + i + "]";
            if (e == null)
            {
                throw error(path, "empty entry; expected {volume, port}");
            }
            if (e.volume() == null || !volumeOwners.containsKey(e.volume()))
            {
                throw error(path + ".volume", (e.volume() == null ? "missing" : "unknown volume '" + e.volume() + "'")
                    + "; volumes: " + String.join(", ", volumeOwners.keySet()));
            }
            if (!exported.add(e.volume()))
            {
                throw error(path + ".volume", "volume '" + e.volume() + "' is exported twice");
            }
            if (fioVolumes.contains(e.volume()))
            {
                throw error(path + ".volume", "volume '" + e.volume() + "' is used by a fio workload; an exported "
                    + "volume belongs to its NBD clients");
            }
            final int port = port(path + ".port", e.port(), 0);
            if (port != 0)
            {
                tcpListens.add("127.0.0.1:" + port);
            }
            exports.add(new Scenario.Export(e.volume(), volumeOwners.get(e.volume()), port,
                Boolean.TRUE.equals(e.readOnly())));
        }
        final Set<String> listens = new LinkedHashSet<>();
        final List<Scenario.Port> ports = new ArrayList<>();
        for (int i = 0; i < portSpecs.size(); i++)
        {
            final ScenarioSpec.PortSpec p = portSpecs.get(i);
            final String path = "ports[" + i + "]";
            if (p == null)
            {
                throw error(path, "empty entry; expected {instance, listen, to, protocol}");
            }
            if (p.instance() == null || !instanceNames.contains(p.instance()))
            {
                throw error(path + ".instance", (p.instance() == null ? "missing" : "unknown instance '" + p.instance()
                    + "'") + "; instances: " + String.join(", ", instanceNames));
            }
            final String protocol = p.protocol() == null ? "tcp" : p.protocol();
            if (!protocol.equals("tcp") && !protocol.equals("udp"))
            {
                throw error(path + ".protocol", "'" + protocol + "' is not a bridged protocol; accepted: tcp, udp");
            }
            final Matcher listen = LISTEN.matcher(p.listen() == null ? "" : p.listen());
            if (!listen.matches() || !loopback(listen.group(1)))
            {
                throw error(path + ".listen", "'" + p.listen() + "' is not a loopback address and port; accepted "
                    + "127.x.y.z:PORT, e.g. 127.0.0.1:15201");
            }
            final int listenPort = port(path + ".listen", Long.parseLong(listen.group(2)), 0);
            final String listenKey = listen.group(1) + ":" + listenPort;
            if (listenPort != 0 && (!listens.add(protocol + " " + listenKey)
                || protocol.equals("tcp") && tcpListens.contains(listenKey)))
            {
                throw error(path + ".listen", protocol + " " + listenKey + " is already taken by another export or port");
            }
            final Matcher to = TARGET.matcher(p.to() == null ? "" : p.to());
            if (!to.matches())
            {
                throw error(path + ".to", "'" + p.to() + "' is not INSTANCE:PORT, e.g. server:5201");
            }
            if (!instanceNames.contains(to.group(1)))
            {
                throw error(path + ".to", "unknown instance '" + to.group(1) + "'; instances: "
                    + String.join(", ", instanceNames));
            }
            if (to.group(1).equals(p.instance()))
            {
                throw error(path + ".to", "'" + p.to() + "' is the instance's own address; a port bridges two instances");
            }
            final int toPort = port(path + ".to", Long.parseLong(to.group(2)), 1);
            ports.add(new Scenario.Port(p.instance(), listen.group(1), listenPort, to.group(1), toPort, protocol));
        }
        return new Tools(List.copyOf(exports), List.copyOf(ports));
    }

    private int port(final String path, final Number value, final int min)
    {
        if (value == null)
        {
            throw error(path, "missing port; accepted " + min + "..65535" + (min == 0 ? " (0 = any free port)" : ""));
        }
        final long v = value.longValue();
        if (v < min || v > 65_535)
        {
            throw error(path, "port " + v + " is out of range; accepted " + min + "..65535"
                + (min == 0 ? " (0 = any free port)" : ""));
        }
        return (int)v;
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
