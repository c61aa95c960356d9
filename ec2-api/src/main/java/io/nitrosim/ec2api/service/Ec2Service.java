package io.nitrosim.ec2api.service;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.control.Ec2Error;
import io.nitrosim.control.Ec2Exception;
import io.nitrosim.ec2api.journal.ControlJournal;
import io.nitrosim.ec2api.protocol.QueryRequest;
import io.nitrosim.ec2api.protocol.Xml;
import io.nitrosim.hypervisor.InstanceState;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.metrics.MetricTags;
import io.nitrosim.simulator.region.Region;
import io.nitrosim.simulator.region.RegionControl;
import io.nitrosim.simulator.region.RegionInstance;
import io.nitrosim.simulator.scenario.MessageText;
import io.nitrosim.simulator.serve.PrometheusMetrics;

/**
 * The EC2 API's actions over a {@link Region}: each request runs on the region's thread (its data plane and the
 * control plane's records have that one owner), and a state-changing one is journaled there before its response
 * leaves, so what was acknowledged survives a crash. Start replays the journal, then brings every instance back
 * stopped, as after a region restart.
 */
public final class Ec2Service
{
    /** The API version this endpoint speaks. */
    public static final String VERSION = "2016-11-15";
    public static final String NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/";
    static final String COMPLETE_TRANSITION = "NitroSim.CompleteTransition";
    static final String RESTART = "NitroSim.Restart";

    /** An action: whether it changes state (journaled) and what it does on the region's thread. */
    record Action(boolean mutating, Handler handler)
    {
    }

    @FunctionalInterface
    interface Handler
    {
        void run(Ec2Context ctx, QueryRequest request, Xml response);
    }

    /**
     * A finished request: HTTP status and the XML tree, written to text by {@link #body()} on the HTTP thread (not
     * on the region's, which runs the data plane).
     */
    public record Response(int status, Xml xml, String namespace, String outcome)
    {
        public String body()
        {
            return xml.toDocument(namespace);
        }
    }

    private final Region region;
    private final Ec2State state;
    private final ControlJournal journal;
    private final Clock clock;
    private final String availabilityZone;
    private final long transitionDelayNs;
    private final Map<String, Action> actions = new TreeMap<>();
    /**
     * The API's own meters ({@link Ec2ApiMeter}), counted on the HTTP threads and the region's: a counter is
     * registered under the registry's lock on first use, then incremented atomically without it.
     */
    private final CounterRegistry apiMeters;
    private final Map<String, AtomicCounter> calls = new java.util.concurrent.ConcurrentHashMap<>();
    private long replayed;

    public Ec2Service(final Region region, final ControlJournal journal, final Clock clock,
        final String availabilityZone, final long transitionDelayNs)
    {
        this.region = region;
        this.state = new Ec2State(region.seed());
        this.journal = journal;
        this.clock = clock;
        this.availabilityZone = availabilityZone;
        this.transitionDelayNs = transitionDelayNs;
        InstanceActions.register(actions);
        VolumeActions.register(actions);
        NetworkActions.register(actions);
        TagActions.register(actions);
        // Every action served, "none" and "unknown", by OK and every error: the registry never fills.
        this.apiMeters = new CounterRegistry((actions.size() + 2) * (Ec2Error.values().length + 1));
    }

    /** The actions this endpoint serves, by name. */
    public List<String> actionNames()
    {
        return List.copyOf(actions.keySet());
    }

    String availabilityZone()
    {
        return availabilityZone;
    }

    /** The region's name: its availability zone without the zone letter. */
    String regionName()
    {
        return availabilityZone.substring(0, availabilityZone.length() - 1);
    }

    long transitionDelayNs()
    {
        return transitionDelayNs;
    }

    /**
     * Builds the default VPC, replays the journal and brings every instance back stopped; waits for all of it.
     *
     * @return the number of journal entries replayed.
     */
    public long start() throws InterruptedException
    {
        await(region.submit(c ->
        {
            NetworkActions.createDefaultVpc(new Ec2Context(c, state, this, 0, true));
            return null;
        }));
        final List<ControlJournal.Entry> entries = journal == null ? List.of() : journal.readAll();
        for (final ControlJournal.Entry entry : entries)
        {
            final String outcome = await(region.submit(c -> replay(c, entry)));
            if (!outcome.equals(entry.outcome()))
            {
                throw new IllegalStateException("journal replay diverged at " + entry.params().get("Action")
                    + ": journaled " + entry.outcome() + ", replayed " + outcome);
            }
            replayed++;
        }
        if (!entries.isEmpty())
        {
            await(region.submit(c -> internal(c, Map.of("Action", RESTART))));
        }
        return replayed;
    }

    private static <T> T await(final CompletableFuture<T> future) throws InterruptedException
    {
        try
        {
            return future.get(60, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new IllegalStateException("region start failed: " + ex.getCause(), ex.getCause());
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("the region did not answer within 60 s", ex);
        }
    }

    /**
     * A request, already authenticated: refused at once when its action or version is wrong, else run on the
     * region's thread.
     */
    public CompletableFuture<Response> handle(final Map<String, String> params)
    {
        final String requestId = UUID.randomUUID().toString();
        final String actionName = params.get("Action");
        try
        {
            if (actionName == null || actionName.isEmpty())
            {
                throw new Ec2Exception(Ec2Error.MISSING_ACTION, "The request must contain the parameter Action");
            }
            final Action action = actions.get(actionName);
            if (action == null)
            {
                throw new Ec2Exception(Ec2Error.INVALID_ACTION,
                    "The action " + actionName + " is not valid for this web service.");
            }
            final String version = params.get("Version");
            if (version == null || version.isEmpty())
            {
                throw new Ec2Exception(Ec2Error.MISSING_PARAMETER, "The request must contain the parameter Version");
            }
            if (!version.equals(VERSION))
            {
                throw new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE,
                    "Invalid value '" + version + "' for Version: this endpoint speaks " + VERSION);
            }
            final QueryRequest request = new QueryRequest(params);
            if (action.mutating() && request.bool("DryRun", false))
            {
                throw new Ec2Exception(Ec2Error.DRY_RUN_OPERATION, Ec2Error.DRY_RUN_OPERATION.description());
            }
            final long millis = clock.millis();
            return region.<Response>submit(c -> execute(c, action, actionName, request, millis, requestId))
                .exceptionally(ex -> error(actionName, unwrap(ex), requestId));
        }
        catch (final Ec2Exception ex)
        {
            return CompletableFuture.completedFuture(error(actionName, ex, requestId));
        }
    }

    private Response execute(final RegionControl c, final Action action, final String actionName,
        final QueryRequest request, final long millis, final String requestId)
    {
        final Xml response = Xml.element(actionName + "Response").add("requestId", requestId);
        String outcome = "OK";
        Response result;
        try
        {
            action.handler().run(new Ec2Context(c, state, this, millis, false), request, response);
            result = new Response(200, response, NAMESPACE, outcome);
        }
        catch (final RuntimeException ex)
        {
            final Ec2Exception refusal = asEc2(ex);
            outcome = refusal.code();
            result = errorResponse(refusal, requestId); // counted below, once
        }
        if (action.mutating() && journal != null)
        {
            journal.append(new ControlJournal.Entry(millis, outcome, request.all()));
        }
        count(actionName, outcome);
        return result;
    }

    private String replay(final RegionControl c, final ControlJournal.Entry entry)
    {
        final String actionName = entry.params().get("Action");
        final Ec2Context ctx = new Ec2Context(c, state, this, entry.millis(), true);
        try
        {
            if (actionName.equals(COMPLETE_TRANSITION))
            {
                doCompleteTransition(ctx, entry.params().get("InstanceId"));
            }
            else if (actionName.equals(RESTART))
            {
                doRestart(ctx);
            }
            else
            {
                actions.get(actionName).handler().run(ctx, new QueryRequest(entry.params()),
                    Xml.element(actionName + "Response"));
            }
            return "OK";
        }
        catch (final RuntimeException ex)
        {
            return asEc2(ex).code();
        }
    }

    /** An event the region's thread journals itself (not a request). */
    private Void internal(final RegionControl c, final Map<String, String> params)
    {
        final long millis = clock.millis();
        final Ec2Context ctx = new Ec2Context(c, state, this, millis, false);
        String outcome = "OK";
        try
        {
            if (params.get("Action").equals(RESTART))
            {
                doRestart(ctx);
            }
            else
            {
                doCompleteTransition(ctx, params.get("InstanceId"));
            }
        }
        catch (final RuntimeException ex)
        {
            outcome = asEc2(ex).code();
        }
        if (journal != null)
        {
            journal.append(new ControlJournal.Entry(millis, outcome, new LinkedHashMap<>(params)));
        }
        return null;
    }

    /** A timer's work: finishes an instance's transition, as a journaled event. */
    Void completeTransition(final RegionControl c, final String instanceId)
    {
        final Map<String, String> params = new LinkedHashMap<>();
        params.put("Action", COMPLETE_TRANSITION);
        params.put("InstanceId", instanceId);
        return internal(c, params);
    }

    private void doCompleteTransition(final Ec2Context ctx, final String instanceId)
    {
        final RegionInstance ri = ctx.region.instance(instanceId);
        final InstanceState before = ri.instance().state();
        if (before == InstanceState.PENDING || before == InstanceState.STOPPING || before == InstanceState.SHUTTING_DOWN)
        {
            ctx.region.completeTransition(instanceId);
            if (before == InstanceState.SHUTTING_DOWN)
            {
                InstanceActions.afterTermination(ctx, instanceId);
            }
        }
    }

    /** After a restart: every instance comes back stopped (transitions in flight are finished first). */
    private void doRestart(final Ec2Context ctx)
    {
        for (final String id : List.copyOf(state.instances.keySet()))
        {
            final InstanceState s = ctx.region.instance(id).instance().state();
            if (s == InstanceState.PENDING || s == InstanceState.STOPPING || s == InstanceState.SHUTTING_DOWN)
            {
                doCompleteTransition(ctx, id);
            }
            if (ctx.region.instance(id).instance().state() == InstanceState.RUNNING)
            {
                ctx.region.stop(id);
                ctx.region.completeTransition(id);
                state.instances.get(id).stateReason = "Server.ScheduledStop: the region restarted; instances come back stopped";
            }
        }
    }

    static Ec2Exception asEc2(final Throwable ex)
    {
        if (ex instanceof Ec2Exception)
        {
            return (Ec2Exception)ex;
        }
        if (ex instanceof IllegalArgumentException)
        {
            return new Ec2Exception(Ec2Error.INVALID_PARAMETER_VALUE, ex.getMessage());
        }
        return new Ec2Exception(Ec2Error.INTERNAL_ERROR, "An internal error has occurred: " + ex);
    }

    private static Throwable unwrap(final Throwable ex)
    {
        Throwable t = ex;
        while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
            && t.getCause() != null)
        {
            t = t.getCause();
        }
        return t;
    }

    /** EC2's error response for a refusal (no namespace; {@code RequestID}, as EC2 writes it). */
    public Response error(final String action, final Throwable failure, final String requestId)
    {
        final Ec2Exception ex = asEc2(failure);
        count(action, ex.code());
        return errorResponse(ex, requestId);
    }

    private static Response errorResponse(final Ec2Exception ex, final String requestId)
    {
        final Xml body = Xml.element("Response")
            .add(Xml.element("Errors").add(Xml.element("Error").add("Code", ex.code()).add("Message",
                MessageText.line(ex.detail())))) // echoed values: control characters escaped, cut
            .add("RequestID", requestId);
        return new Response(ex.httpStatus(), body, null, ex.code());
    }

    /** Counts a call; an action this endpoint does not serve is counted as "unknown" (the tags stay bounded). */
    private void count(final String action, final String outcome)
    {
        final String actionTag = action == null || action.isEmpty() ? "none" : actions.containsKey(action) ? action
            : "unknown";
        final String key = actionTag + ' ' + outcome;
        AtomicCounter counter = calls.get(key);
        if (counter == null)
        {
            synchronized (apiMeters)
            {
                counter = calls.computeIfAbsent(key, k -> Ec2ApiMeter.CALLS.newCounter(apiMeters,
                    MetricTags.of("action", actionTag, "outcome", outcome)));
            }
        }
        counter.increment();
    }

    /** The API's own meters (calls by action and outcome), in the Prometheus text format. */
    public String scrapeApiMetrics()
    {
        synchronized (apiMeters)
        {
            return PrometheusMetrics.bind(apiMeters).scrape();
        }
    }

    /** Counts of what the API created, by resource type and state, for /status (runs on the region's thread). */
    public CompletableFuture<Map<String, Object>> status()
    {
        return region.submit(c ->
        {
            final Map<String, Object> status = new LinkedHashMap<>();
            final Map<String, Integer> byState = new TreeMap<>();
            for (final String id : state.instances.keySet())
            {
                byState.merge(c.instance(id).instance().state().ec2Name(), 1, Integer::sum);
            }
            status.put("instances", byState);
            final Map<String, Integer> volumes = new TreeMap<>();
            for (final Ec2State.VolumeRecord v : state.volumes.values())
            {
                volumes.merge(v.state, 1, Integer::sum);
            }
            status.put("volumes", volumes);
            status.put("networkInterfaces", state.enis.size());
            status.put("securityGroups", state.groups.size());
            status.put("subnets", state.subnets.size());
            status.put("vpcs", state.vpcs.size());
            status.put("journalEntries", journal == null ? 0 : journal.appended() + replayed);
            status.put("region", c.status());
            return status;
        });
    }
}
