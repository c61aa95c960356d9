package io.nitrosim.hypervisor;

import java.util.EnumSet;
import java.util.Set;

import static io.nitrosim.hypervisor.InstanceState.PENDING;
import static io.nitrosim.hypervisor.InstanceState.RUNNING;
import static io.nitrosim.hypervisor.InstanceState.SHUTTING_DOWN;
import static io.nitrosim.hypervisor.InstanceState.STOPPED;
import static io.nitrosim.hypervisor.InstanceState.STOPPING;
import static io.nitrosim.hypervisor.InstanceState.TERMINATED;

/**
 * What can be asked of an instance, and in which states (the one place the lifecycle table lives).
 * <p>
 * As in EC2, asking for a state the instance is already in or heading to is not an error: start of a pending or
 * running instance, stop of a stopping or stopped one, terminate of a shutting-down or terminated one succeed
 * and change nothing. Everything else outside {@link #allowedFrom()} is IncorrectInstanceState.
 */
public enum InstanceAction
{
    START("start", "started", EnumSet.of(STOPPED), EnumSet.of(PENDING, RUNNING)),
    STOP("stop", "stopped", EnumSet.of(RUNNING), EnumSet.of(STOPPING, STOPPED)),
    REBOOT("reboot", "rebooted", EnumSet.of(RUNNING), EnumSet.noneOf(InstanceState.class)),
    TERMINATE("terminate", "terminated",
        EnumSet.of(PENDING, RUNNING, STOPPING, STOPPED), EnumSet.of(SHUTTING_DOWN, TERMINATED)),
    /** The host finishes the transition in progress: pending -> running, stopping -> stopped, shutting-down -> terminated. */
    COMPLETE_TRANSITION("complete-transition", "moved on", EnumSet.of(PENDING, STOPPING, SHUTTING_DOWN),
        EnumSet.noneOf(InstanceState.class)),
    ATTACH("attach", "attached to", EnumSet.of(PENDING, RUNNING, STOPPED), EnumSet.noneOf(InstanceState.class)),
    DETACH("detach", "detached from", EnumSet.of(PENDING, RUNNING, STOPPED), EnumSet.noneOf(InstanceState.class)),
    LOAD_PROGRAM("load-program", "given a program", EnumSet.of(PENDING, RUNNING, STOPPING, STOPPED),
        EnumSet.noneOf(InstanceState.class));

    private final String actionName;
    private final String verbPhrase;
    private final Set<InstanceState> allowedFrom;
    private final Set<InstanceState> noOpIn;

    InstanceAction(
        final String actionName, final String verbPhrase, final Set<InstanceState> allowedFrom, final Set<InstanceState> noOpIn)
    {
        this.actionName = actionName;
        this.verbPhrase = verbPhrase;
        this.allowedFrom = allowedFrom;
        this.noOpIn = noOpIn;
    }

    public String actionName()
    {
        return actionName;
    }

    /** Completes "it can be ...", e.g. "started". */
    public String verbPhrase()
    {
        return verbPhrase;
    }

    /** States from which the action does something. */
    public Set<InstanceState> allowedFrom()
    {
        return EnumSet.copyOf(allowedFrom);
    }

    public boolean isAllowedFrom(final InstanceState state)
    {
        return allowedFrom.contains(state);
    }

    /** States in which the action succeeds without changing anything. */
    public boolean isNoOpIn(final InstanceState state)
    {
        return noOpIn.contains(state);
    }

    @Override
    public String toString()
    {
        return actionName;
    }
}
