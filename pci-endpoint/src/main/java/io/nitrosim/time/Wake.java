package io.nitrosim.time;

/**
 * How a channel tells the runtime that it handed work to its consumer's ownership group: the producer calls
 * {@link #wake()} after each record it publishes. A single-thread runtime skips a group whose agents are idle (no
 * work in their last pass, no deadline reached) and all of whose agents {@link SimAgent#wakesOnInput() take their
 * outside input through waking channels}, and runs it again once woken; a runtime that calls every agent in every
 * pass gives {@link #NONE}. Called on the producer's thread, after the record is published: for a single-thread
 * runtime that is the one thread; a {@link ConcurrentRuntime}'s wakes are safe across threads (a volatile write).
 */
@FunctionalInterface
public interface Wake
{
    /** The consumer is called in every pass anyway. */
    Wake NONE = () -> { };

    /** Work was handed to the consumer: run its group in this pass (if it comes later) and the next. */
    void wake();
}
