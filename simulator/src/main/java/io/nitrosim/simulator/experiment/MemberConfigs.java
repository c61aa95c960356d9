package io.nitrosim.simulator.experiment;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.UUID;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.hazelcast.config.Config;
import com.hazelcast.config.DurableExecutorConfig;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;

/**
 * The Hazelcast configuration of every member the project starts (embedded, worker, coordinator), in one
 * place:
 * <ul>
 * <li>members only: one member endpoint (advanced network), so no client, REST or memcache endpoint listens;
 * bound to the given address (127.0.0.1 by default), never to every interface;</li>
 * <li>explicit TCP/IP join to the listed members: multicast, auto-detection and cloud discovery off; the
 * embedded member joins nothing;</li>
 * <li>no outbound connection but to the listed members: phone-home off, Jet off, no management center;</li>
 * <li>the shared secret: the cluster's name on the wire is {@code <name>-<HMAC-SHA256(secret, name)>}, so a member
 * with another secret forms a cluster of its own and is never admitted (Hazelcast's join check compares cluster
 * names). The secret itself never leaves the process;</li>
 * <li>the experiment's own serialization (IdentifiedDataSerializable) and Java deserialization filtered.</li>
 * </ul>
 */
final class MemberConfigs
{
    /** Durable executors and result maps are named per experiment run under these prefixes. */
    static final String EXECUTOR_PREFIX = "nitro-sim.points.";
    static final String RESULTS_PREFIX = "nitro-sim.results.";
    /** Member attribute: how many points the member runs at once. */
    static final String THREADS_ATTRIBUTE = "nitro-sim.threads";
    /** Most ports tried from the given one when auto-increment is on. */
    static final int PORT_COUNT = 100;

    private MemberConfigs()
    {
    }

    /** One member in this process that joins nothing: the default for a sweep. */
    static Config embedded(final int threads)
    {
        final Config config = common("nitro-sim-local-" + UUID.randomUUID(), ClusterSettings.DEFAULT_BIND_ADDRESS, 0,
            false, threads);
        config.getAdvancedNetworkConfig().getJoin().getTcpIpConfig().setEnabled(false);
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        return config;
    }

    /** A worker: runs points, holds partitions (and the backups of other workers' points). */
    static Config worker(final ClusterSettings settings, final int threads, final Consumer<String> log)
    {
        final Config config = common(wireName(settings), settings.bindAddress(), settings.port(),
            settings.portAutoIncrement(), threads);
        join(config, settings);
        config.setProperty("hazelcast.shutdownhook.policy", "GRACEFUL");
        config.getUserContext().put(PointTask.LOG, log);
        return config;
    }

    /** The coordinator of a sweep: a lite member (no partitions, so it runs no points) that submits and gathers. */
    static Config coordinator(final ClusterSettings settings)
    {
        final Config config = common(wireName(settings), settings.bindAddress(), settings.port(),
            settings.portAutoIncrement(), 0);
        config.setLiteMember(true);
        join(config, settings);
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        return config;
    }

    /** The cluster's name as members compare it: the given name and a keyed hash of it under the secret. */
    static String wireName(final ClusterSettings settings)
    {
        try
        {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(settings.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            final byte[] tag = mac.doFinal(("nitro-sim cluster " + settings.clusterName())
                .getBytes(StandardCharsets.UTF_8));
            return settings.clusterName() + "-" + HexFormat.of().formatHex(tag, 0, 16);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HmacSHA256 is part of every Java 17 runtime", ex);
        }
    }

    private static Config common(
        final String clusterName, final String bindAddress, final int port, final boolean autoIncrement,
        final int threads)
    {
        final Config config = new Config();
        config.setClusterName(clusterName);
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "none");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.max.wait.seconds.before.join", "5");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        config.getJetConfig().setEnabled(false);
        config.getAdvancedNetworkConfig().setEnabled(true);
        final ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
        member.setPort(port).setPortAutoIncrement(autoIncrement).setPortCount(PORT_COUNT);
        member.setInterfaces(new InterfacesConfig().setEnabled(true).addInterface(bindAddress));
        member.setPublicAddress(bindAddress);
        config.getAdvancedNetworkConfig().setMemberEndpointConfig(member);
        final JoinConfig join = config.getAdvancedNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(false);
        config.addDurableExecutorConfig(new DurableExecutorConfig(EXECUTOR_PREFIX + "*")
            .setPoolSize(Math.max(1, threads)).setDurability(1));
        config.addMapConfig(new MapConfig(RESULTS_PREFIX + "*").setBackupCount(1));
        config.getMemberAttributeConfig().setAttribute(THREADS_ATTRIBUTE, Integer.toString(threads));
        config.getSerializationConfig().addDataSerializableFactory(ExperimentSerialization.FACTORY_ID,
            new ExperimentSerialization());
        config.getSerializationConfig().setJavaSerializationFilterConfig(new JavaSerializationFilterConfig());
        return config;
    }

    private static void join(final Config config, final ClusterSettings settings)
    {
        config.getAdvancedNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true)
            .setMembers(settings.members()).setConnectionTimeoutSeconds(5);
    }
}
