package io.nitrosim.hypervisor;

import java.util.ArrayList;
import java.util.List;

import io.nitrosim.hypervisor.guest.GuestContext;
import io.nitrosim.hypervisor.guest.GuestProgram;

/** A guest program that records what happened to it: starts, stops, interrupts with their time. */
class RecordingProgram implements GuestProgram
{
    final List<Integer> vectors = new ArrayList<>();
    final List<Long> interruptTimesNs = new ArrayList<>();
    final List<Integer> interruptVcpus = new ArrayList<>();
    int starts;
    int stops;
    long workCalls;
    boolean disableInterruptsAtStart;

    @Override
    public void onStart(final GuestContext ctx)
    {
        starts++;
        if (disableInterruptsAtStart)
        {
            ctx.setInterruptsEnabled(false);
        }
    }

    @Override
    public int doWork(final GuestContext ctx)
    {
        workCalls++;
        return 0;
    }

    @Override
    public void onInterrupt(final int vector, final GuestContext ctx)
    {
        vectors.add(vector);
        interruptTimesNs.add(ctx.nowNs());
        interruptVcpus.add(ctx.vcpuIndex());
    }

    @Override
    public void onStop(final GuestContext ctx)
    {
        stops++;
    }
}
