package io.nitrosim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.hypervisor.guest.MsiMessage;
import io.nitrosim.metrics.CounterRegistry;
import io.nitrosim.time.VirtualTimeRuntime;

class InterruptRoutingTest
{
    @Test
    void shouldRouteAnMsiToTheNamedVcpuOfThatInstanceOnly()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.xlarge");
            final Instance b = host.launchRunning("c5.xlarge");
            final RecordingProgram[] onA = load(a);
            final RecordingProgram[] onB = load(b);
            runtime.runUntil(1_000);

            a.msiSink().deliver(0xFEE0_0000L | (2 << 12), 0x41);
            a.msiSink().deliver(MsiMessage.address(0), MsiMessage.data(0x42));
            b.msiSink().deliver(MsiMessage.address(3), 0x4300 | 0x43); // bits above 7:0 are not the vector
            runtime.runUntil(2_000);

            assertEquals(List.of(0x42), onA[0].vectors);
            assertEquals(List.of(), onA[1].vectors);
            assertEquals(List.of(0x41), onA[2].vectors);
            assertEquals(List.of(), onA[3].vectors);
            assertEquals(List.of(), onB[0].vectors);
            assertEquals(List.of(), onB[1].vectors);
            assertEquals(List.of(), onB[2].vectors);
            assertEquals(List.of(0x43), onB[3].vectors);
            final CounterRegistry counters = host.counters();
            assertEquals(1, TestHosts.counter(counters, "vcpu.interrupts", "instance", a.id(), "vcpu", "2"));
            assertEquals(0, TestHosts.counter(counters, "vcpu.interrupts", "instance", b.id(), "vcpu", "2"));
            assertEquals(2, TestHosts.counter(counters, "msi.routed", "instance", a.id()));
            assertEquals(1, TestHosts.counter(counters, "msi.routed", "instance", b.id()));
        }
    }

    @Test
    void shouldDropAndCountMessagesWithABadAddressOrAnUnknownApicId()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.xlarge"); // APIC ids 0..3
            final Instance b = host.launchRunning("c5.2xlarge"); // APIC ids 0..7
            final RecordingProgram[] onA = load(a);
            final RecordingProgram[] onB = load(b);
            runtime.runUntil(1_000);

            a.msiSink().deliver(0xFED0_0000L, 0x30);              // not an MSI address
            a.msiSink().deliver(0x1_FEE0_0000L, 0x31);            // upper address bits set
            a.msiSink().deliver(0L, 0x32);                        // unprogrammed MSI-X entry
            a.msiSink().deliver(MsiMessage.address(4), 0x33);     // B has APIC id 4, A does not
            a.msiSink().deliver(MsiMessage.address(0xFF), 0x34);  // broadcast is not modelled
            runtime.runUntil(2_000);

            for (final RecordingProgram p : onA)
            {
                assertEquals(List.of(), p.vectors);
            }
            for (final RecordingProgram p : onB)
            {
                assertEquals(List.of(), p.vectors);
            }
            final CounterRegistry counters = host.counters();
            assertEquals(3, TestHosts.counter(counters, "msi.dropped", "instance", a.id(), "reason", "bad-address"));
            assertEquals(2, TestHosts.counter(counters, "msi.dropped", "instance", a.id(), "reason", "unknown-apic-id"));
            assertEquals(0, TestHosts.counter(counters, "msi.routed", "instance", a.id()));
            assertEquals(0, TestHosts.counter(counters, "msi.routed", "instance", b.id()));
        }
    }

    @Test
    void shouldMergeAVectorThatIsAlreadyPendingAndKeepArrivalOrderOtherwise()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final RecordingProgram[] on = load(a);
            runtime.runUntil(1_000);

            a.msiSink().deliver(MsiMessage.address(1), 0x60);
            a.msiSink().deliver(MsiMessage.address(1), 0x60);
            a.msiSink().deliver(MsiMessage.address(1), 0xFF);
            a.msiSink().deliver(MsiMessage.address(1), 0x20);
            assertTrue(a.vcpu(1).isPending(0x60));
            runtime.runUntil(2_000);
            assertEquals(List.of(0x60, 0xFF, 0x20), on[1].vectors);
            assertEquals(1, TestHosts.counter(host.counters(), "msi.coalesced", "instance", a.id()));

            a.msiSink().deliver(MsiMessage.address(1), 0x60); // delivered before, so pending again
            runtime.runUntil(3_000);
            assertEquals(List.of(0x60, 0xFF, 0x20, 0x60), on[1].vectors);
            assertEquals(0, TestHosts.counter(host.counters(), "msi.lost", "instance", a.id()));
        }
    }

    @Test
    void shouldHoldInterruptsWhileTheProgramHasThemDisabled()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            final RecordingProgram program = new RecordingProgram();
            program.disableInterruptsAtStart = true;
            a.loadProgram(0, program);
            a.completeTransition();
            a.msiSink().deliver(MsiMessage.address(0), 0x70);
            runtime.runUntil(1_000);
            assertEquals(List.of(), program.vectors);
            assertTrue(a.vcpu(0).isPending(0x70));

            a.vcpu(0).context().setInterruptsEnabled(true);
            runtime.runUntil(2_000);
            assertEquals(List.of(0x70), program.vectors);
        }
    }

    @Test
    void shouldDiscardInterruptsRaisedWhileTheInstanceWasNotRunning()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            final RecordingProgram program = new RecordingProgram();
            a.loadProgram(0, program);
            a.msiSink().deliver(MsiMessage.address(0), 0x71);
            assertTrue(a.vcpu(0).isPending(0x71));
            a.completeTransition(); // power-on clears the local APIC
            runtime.runUntil(1_000);
            assertEquals(List.of(), program.vectors);
            assertFalse(a.vcpu(0).isPending(0x71));
        }
    }

    private static RecordingProgram[] load(final Instance instance)
    {
        final RecordingProgram[] programs = new RecordingProgram[instance.vcpuCount()];
        for (int i = 0; i < programs.length; i++)
        {
            programs[i] = new RecordingProgram();
            instance.loadProgram(i, programs[i]);
        }
        return programs;
    }
}
