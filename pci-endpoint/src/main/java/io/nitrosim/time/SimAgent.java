package io.nitrosim.time;

import org.agrona.concurrent.Agent;

/**
 * An active part of the simulation: an Agrona {@link Agent} that reads time only from the clock it was given
 * and can say when it will next have something to do.
 * <p>
 * The virtual-time runtime depends on {@link #nextDeadlineNs()}: after a pass in which no agent did any work,
 * it moves the clock to the smallest deadline any agent reports. An agent that would make progress at a later
 * time without outside input (a throttled ring, a timer, a latency model) must report that time; an agent that
 * only reacts to input from other agents returns {@link #NO_DEADLINE}.
 */
public interface SimAgent extends Agent
{
    long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * @return the earliest simulated time in ns at which {@link #doWork()} can do work without new input,
     * or {@link #NO_DEADLINE}. Called only after a pass in which the agent did no work.
     */
    long nextDeadlineNs();
}
