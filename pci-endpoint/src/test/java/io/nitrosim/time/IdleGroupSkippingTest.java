package io.nitrosim.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.agrona.collections.LongArrayList;
import org.junit.jupiter.api.Test;

/**
 * A single-thread runtime skips an ownership group while it is idle and runs it again when a channel wakes it, its
 * deadline comes, or an agent that does not wake on input works; the events are those of a runtime that calls every
 * agent in every pass.
 */
class IdleGroupSkippingTest
{
    @Test
    void shouldNotCallAnIdleGroupAgainUntilSomethingConcernsIt()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final Mailbox idle = new Mailbox("idle", runtime.clock(), 0);
            final Ticker ticker = new Ticker(runtime.clock(), 10, 100, null);
            runtime.add(idle, "idle");
            runtime.add(ticker, "ticker");

            runtime.runUntil(10_000);

            assertEquals(100, ticker.ticks);
            assertEquals(1, idle.calls, "called once, in the first pass of the run, then skipped");
            assertEquals(runtime.passes() + 1, runtime.agentCalls(), "the ticker in every pass, the idle one once");
        }
    }

    @Test
    void shouldCallEveryAgentInEveryPassWhenSkippingIsOff()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final Mailbox idle = new Mailbox("idle", runtime.clock(), 0);
            final Ticker ticker = new Ticker(runtime.clock(), 10, 100, null);
            runtime.add(idle, "idle");
            runtime.add(ticker, "ticker");
            runtime.skipIdleGroups(false);

            runtime.runUntil(10_000);

            assertEquals(runtime.passes(), idle.calls);
            assertEquals(2 * runtime.passes(), runtime.agentCalls());
        }
    }

    @Test
    void shouldDeliverAtTheSendTimeWhetherTheWokenGroupComesBeforeOrAfterTheSender()
    {
        for (final boolean consumerFirst : new boolean[] {true, false})
        {
            try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
            {
                final Mailbox consumer = new Mailbox("consumer", runtime.clock(), 0);
                final Ticker sender = new Ticker(runtime.clock(), 7, 50, consumer);
                if (consumerFirst)
                {
                    runtime.add(consumer, "consumer");
                }
                runtime.add(sender, "sender");
                if (!consumerFirst)
                {
                    runtime.add(consumer, "consumer");
                }

                runtime.runUntil(1_000);

                assertEquals(50, consumer.received.size());
                for (int i = 0; i < 50; i++)
                {
                    assertEquals(7L * (i + 1), consumer.received.getLong(i),
                        "message " + i + " taken at its send time (consumer first: " + consumerFirst + ")");
                }
            }
        }
    }

    @Test
    void shouldWakeEveryGroupWhenAnAgentThatDoesNotWakeOnInputWorks()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final Mailbox consumer = new Mailbox("consumer", runtime.clock(), 0);
            // writes into the consumer's inbox without its wake, as a fault injector changes a device directly
            final Ticker meddler = new Ticker(runtime.clock(), 30, 3, consumer)
            {
                @Override
                void deliver(final Mailbox to)
                {
                    to.inbox++;
                }

                @Override
                public boolean wakesOnInput()
                {
                    return false;
                }
            };
            runtime.add(consumer, "consumer");
            runtime.add(meddler, "meddler");

            runtime.runUntil(1_000);

            assertEquals(LongArrayList.class, consumer.received.getClass());
            assertEquals(3, consumer.received.size());
            assertEquals(30, consumer.received.getLong(0));
            assertEquals(60, consumer.received.getLong(1));
            assertEquals(90, consumer.received.getLong(2));
        }
    }

    @Test
    void shouldSkipAnAgentThatWaitsForItsOwnWakeWhileItsGroupWorks()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final Mailbox halted = new Mailbox("halted", runtime.clock(), 0);
            halted.alone = true;
            final Mailbox sibling = new Mailbox("sibling", runtime.clock(), 0);
            final Ticker toSibling = new Ticker(runtime.clock(), 10, 100, sibling);
            final Ticker toHalted = new Ticker(runtime.clock(), 500, 1, halted);
            runtime.add(halted, "guest");
            runtime.add(sibling, "guest");
            runtime.add(toSibling, "feeder");
            runtime.add(toHalted, "feeder");

            runtime.runUntil(10_000);

            assertEquals(100, sibling.received.size());
            assertEquals(1, halted.received.size());
            assertEquals(500, halted.received.getLong(0), "taken when its own wake came, at once");
            assertTrue(halted.calls <= 4, "not called in the sibling's 200 passes, called " + halted.calls);
        }
    }

    @Test
    void shouldRunAGroupWhoseDeadlineCameWithoutAskingTheOthers()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
        {
            final Mailbox early = new Mailbox("early", runtime.clock(), 100);
            final Mailbox late = new Mailbox("late", runtime.clock(), 900);
            runtime.add(early, "early");
            runtime.add(late, "late");

            runtime.runUntil(1_000);

            assertEquals(List.of(100L), early.timeouts);
            assertEquals(List.of(900L), late.timeouts);
            assertEquals(3, late.calls,
                "the run's first pass, its deadline's, and the pass after it worked; none for early's timeout at 100");
        }
    }

    /**
     * Groups of senders and mailboxes wired at random (seeded): every message, timeout and tick lands at the same
     * simulated time, in the same order, with and without skipping; skipping calls agents far less often.
     */
    @Test
    void shouldProduceTheSameEventsWithAndWithoutSkipping()
    {
        for (long seed = 1; seed <= 20; seed++)
        {
            final Network skipping = Network.run(seed, true);
            final Network everyPass = Network.run(seed, false);
            assertEquals(everyPass.log, skipping.log, "seed " + seed);
            assertEquals(everyPass.passes, skipping.passes, "seed " + seed + ": the same passes");
            assertTrue(skipping.agentCalls < everyPass.agentCalls,
                "seed " + seed + ": " + skipping.agentCalls + " calls against " + everyPass.agentCalls);
        }
    }

    /** Random senders and mailboxes in a few groups, logging what happens when. */
    private static final class Network
    {
        final List<String> log = new ArrayList<>();
        long passes;
        long agentCalls;

        static Network run(final long seed, final boolean skip)
        {
            final Network network = new Network();
            final SplittableRandom random = new SplittableRandom(seed);
            try (VirtualTimeRuntime runtime = new VirtualTimeRuntime())
            {
                final int boxes = 2 + random.nextInt(6);
                final List<Mailbox> mailboxes = new ArrayList<>();
                for (int i = 0; i < boxes; i++)
                {
                    final Mailbox box = new Mailbox("box" + i, runtime.clock(),
                        random.nextBoolean() ? 0 : 1 + random.nextInt(5_000));
                    box.log = network.log;
                    box.relayTo = i > 0 && random.nextBoolean() ? mailboxes.get(random.nextInt(i)) : null;
                    box.alone = random.nextBoolean();
                    mailboxes.add(box);
                    runtime.add(box, "group" + random.nextInt(4));
                }
                final int senders = 1 + random.nextInt(4);
                for (int i = 0; i < senders; i++)
                {
                    final Ticker ticker = new Ticker(runtime.clock(), 1 + random.nextInt(300), 1 + random.nextInt(40),
                        mailboxes.get(random.nextInt(boxes)));
                    ticker.log = network.log;
                    runtime.add(ticker, "group" + random.nextInt(4));
                }
                runtime.skipIdleGroups(skip);
                runtime.runUntil(10_000);
                network.passes = runtime.passes();
                network.agentCalls = runtime.agentCalls();
            }
            return network;
        }
    }

    /**
     * Takes one message per pass (its inbox: a counter, written with a wake), optionally relays it onwards, and
     * times out once at {@code timeoutNs} (0: never). Wakes on input.
     */
    static class Mailbox implements SimAgent
    {
        private final String name;
        private final org.agrona.concurrent.NanoClock clock;
        private long timeoutNs;
        final LongArrayList received = new LongArrayList();
        final List<Long> timeouts = new ArrayList<>();
        List<String> log;
        Mailbox relayTo;
        Wake wake = Wake.NONE;
        /** Set: it says it waits for its own wake (put calls that one), so it is skipped while its group works. */
        boolean alone;
        Wake agentWake = Wake.NONE;
        int inbox;
        long calls;

        Mailbox(final String name, final org.agrona.concurrent.NanoClock clock, final long timeoutNs)
        {
            this.name = name;
            this.clock = clock;
            this.timeoutNs = timeoutNs;
        }

        void put()
        {
            inbox++;
            (alone ? agentWake : wake).wake();
        }

        @Override
        public int doWork()
        {
            calls++;
            final long nowNs = clock.nanoTime();
            int work = 0;
            if (timeoutNs != 0 && nowNs >= timeoutNs)
            {
                timeouts.add(nowNs);
                note("timeout");
                timeoutNs = 0;
                work++;
            }
            if (inbox > 0)
            {
                inbox--;
                received.addLong(nowNs);
                note("received");
                if (relayTo != null)
                {
                    relayTo.put();
                }
                work++;
            }
            return work;
        }

        private void note(final String what)
        {
            if (log != null)
            {
                log.add(clock.nanoTime() + " " + name + " " + what);
            }
        }

        @Override
        public long nextDeadlineNs()
        {
            return inbox > 0 ? clock.nanoTime() : timeoutNs != 0 ? timeoutNs : NO_DEADLINE;
        }

        @Override
        public void bindWake(final Wake wake)
        {
            this.wake = wake;
        }

        @Override
        public boolean wakesOnInput()
        {
            return true;
        }

        @Override
        public void bindAgentWake(final Wake wake)
        {
            this.agentWake = wake;
        }

        @Override
        public boolean idleUntilWoken()
        {
            return alone;
        }

        @Override
        public String roleName()
        {
            return name;
        }
    }

    /** Ticks every {@code periodNs}, {@code count} times, putting a message into {@code to} (if any) at each tick. */
    static class Ticker implements SimAgent
    {
        private final org.agrona.concurrent.NanoClock clock;
        private final long periodNs;
        private final int count;
        private final Mailbox to;
        List<String> log;
        int ticks;

        Ticker(final org.agrona.concurrent.NanoClock clock, final long periodNs, final int count, final Mailbox to)
        {
            this.clock = clock;
            this.periodNs = periodNs;
            this.count = count;
            this.to = to;
        }

        void deliver(final Mailbox to)
        {
            to.put();
        }

        @Override
        public int doWork()
        {
            if (ticks < count && clock.nanoTime() >= periodNs * (ticks + 1))
            {
                ticks++;
                if (log != null)
                {
                    log.add(clock.nanoTime() + " tick " + periodNs);
                }
                if (to != null)
                {
                    deliver(to);
                }
                return 1;
            }
            return 0;
        }

        @Override
        public long nextDeadlineNs()
        {
            return ticks < count ? periodNs * (ticks + 1) : NO_DEADLINE;
        }

        @Override
        public boolean wakesOnInput()
        {
            return true;
        }

        @Override
        public String roleName()
        {
            return "ticker";
        }
    }
}
