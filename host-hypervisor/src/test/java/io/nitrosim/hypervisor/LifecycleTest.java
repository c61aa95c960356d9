package io.nitrosim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import io.nitrosim.hypervisor.pci.AttachmentKind;
import io.nitrosim.time.VirtualTimeRuntime;

class LifecycleTest
{
    @Test
    void shouldFollowTheEc2LifecycleWithItsStateCodes()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            final String id = a.id();
            assertEquals(InstanceState.PENDING, a.state());
            assertEquals(0, a.stateCode());

            assertEquals(new StateChange(id, InstanceState.PENDING, InstanceState.RUNNING), a.completeTransition());
            assertEquals(16, a.stateCode());
            assertEquals(new StateChange(id, InstanceState.RUNNING, InstanceState.STOPPING), a.stop());
            assertEquals(64, a.stateCode());
            assertEquals(new StateChange(id, InstanceState.STOPPING, InstanceState.STOPPED), a.completeTransition());
            assertEquals(80, a.stateCode());
            assertEquals(new StateChange(id, InstanceState.STOPPED, InstanceState.PENDING), a.start());
            assertEquals(0, a.stateCode());
            assertEquals(new StateChange(id, InstanceState.PENDING, InstanceState.RUNNING), a.completeTransition());
            assertEquals(new StateChange(id, InstanceState.RUNNING, InstanceState.RUNNING), a.reboot());
            assertEquals(new StateChange(id, InstanceState.RUNNING, InstanceState.SHUTTING_DOWN), a.terminate());
            assertEquals(32, a.stateCode());
            assertEquals(new StateChange(id, InstanceState.SHUTTING_DOWN, InstanceState.TERMINATED), a.completeTransition());
            assertEquals(48, a.stateCode());
            assertEquals(InstanceState.TERMINATED, host.instance(id).state());
        }
    }

    @Test
    void shouldTerminateFromPendingStoppingAndStopped()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance pending = host.launch("c5.large");
            assertEquals(InstanceState.SHUTTING_DOWN, pending.terminate().currentState());

            final Instance stopping = host.launchRunning("c5.large");
            stopping.stop();
            assertEquals(new StateChange(stopping.id(), InstanceState.STOPPING, InstanceState.SHUTTING_DOWN),
                stopping.terminate());

            final Instance stopped = host.launchRunning("c5.large");
            stopped.stop();
            stopped.completeTransition();
            assertEquals(new StateChange(stopped.id(), InstanceState.STOPPED, InstanceState.SHUTTING_DOWN),
                stopped.terminate());

            for (final Instance i : List.of(pending, stopping, stopped))
            {
                assertEquals(InstanceState.TERMINATED, i.completeTransition().currentState());
            }
            assertEquals(72, host.freeThreadCount());
            assertEquals(190L << 30, host.freeMemoryBytes());
        }
    }

    @Test
    void shouldTreatRequestsForTheCurrentOrTargetStateAsNoOpsLikeEc2()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            assertEquals(new StateChange(a.id(), InstanceState.PENDING, InstanceState.PENDING), a.start());
            a.completeTransition();
            assertEquals(new StateChange(a.id(), InstanceState.RUNNING, InstanceState.RUNNING), a.start());
            a.stop();
            assertEquals(new StateChange(a.id(), InstanceState.STOPPING, InstanceState.STOPPING), a.stop());
            a.completeTransition();
            assertEquals(new StateChange(a.id(), InstanceState.STOPPED, InstanceState.STOPPED), a.stop());
            a.terminate();
            assertEquals(new StateChange(a.id(), InstanceState.SHUTTING_DOWN, InstanceState.SHUTTING_DOWN), a.terminate());
            a.completeTransition();
            assertEquals(new StateChange(a.id(), InstanceState.TERMINATED, InstanceState.TERMINATED), a.terminate());
        }
    }

    @Test
    void shouldRefuseIllegalTransitionsNamingTheStateAndTheActionAndChangeNothing()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            final String id = a.id();
            assertIllegal(a, Instance::stop, "The instance '" + id + "' is not in a state from which it can be stopped: "
                + "it is pending (0); stop is allowed when running");
            assertIllegal(a, Instance::reboot, "The instance '" + id + "' is not in a state from which it can be "
                + "rebooted: it is pending (0); reboot is allowed when running");

            a.completeTransition();
            assertIllegal(a, Instance::completeTransition, "The instance '" + id + "' is not in a state from which it "
                + "can be moved on: it is running (16); complete-transition is allowed when pending, shutting-down "
                + "or stopping");

            a.stop();
            assertIllegal(a, Instance::start, "The instance '" + id + "' is not in a state from which it can be started: "
                + "it is stopping (64); start is allowed when stopped");

            a.completeTransition();
            assertIllegal(a, Instance::reboot, "The instance '" + id + "' is not in a state from which it can be "
                + "rebooted: it is stopped (80); reboot is allowed when running");
            assertIllegal(a, Instance::completeTransition, "The instance '" + id + "' is not in a state from which it "
                + "can be moved on: it is stopped (80); complete-transition is allowed when pending, shutting-down "
                + "or stopping");

            a.terminate();
            assertIllegal(a, Instance::start, "The instance '" + id + "' is not in a state from which it can be started: "
                + "it is shutting-down (32); start is allowed when stopped");
            a.completeTransition();
            assertIllegal(a, Instance::start, "The instance '" + id + "' is not in a state from which it can be started: "
                + "it is terminated (48); start is allowed when stopped");
            assertIllegal(a, Instance::stop, "The instance '" + id + "' is not in a state from which it can be stopped: "
                + "it is terminated (48); stop is allowed when running");
            assertIllegal(a, i -> i.loadProgram(0, new RecordingProgram()), "The instance '" + id + "' is not in a "
                + "state from which it can be given a program: it is terminated (48); load-program is allowed when "
                + "pending, running, stopping or stopped");
        }
    }

    private static void assertIllegal(final Instance instance, final Consumer<Instance> action, final String message)
    {
        final InstanceState before = instance.state();
        final Placement placementBefore = instance.placement();
        final IncorrectInstanceStateException ex =
            assertThrows(IncorrectInstanceStateException.class, () -> action.accept(instance));
        assertEquals("IncorrectInstanceState: "
            + "" + message, ex.getMessage());
        assertEquals("IncorrectInstanceState", ex.errorCode());
        assertEquals(before, ex.currentState());
        assertEquals(instance.id(), ex.instanceId());
        assertEquals(before, instance.state());
        assertSame(placementBefore, instance.placement());
    }

    @Test
    void shouldStartProgramsOnRunningAndStopThemOnStopRebootAndTerminate()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launch("c5.large");
            final RecordingProgram p0 = new RecordingProgram();
            final RecordingProgram p1 = new RecordingProgram();
            a.loadProgram(0, p0);
            a.loadProgram(1, p1);
            runtime.runUntil(1_000);
            assertEquals(0, p0.starts, "a pending instance runs nothing");

            a.completeTransition();
            runtime.runUntil(2_000);
            assertEquals(1, p0.starts);
            assertEquals(1, p1.starts);
            assertTrue(p0.workCalls > 0);

            a.reboot();
            assertEquals(2, p0.starts);
            assertEquals(1, p0.stops);

            a.stop();
            final long callsWhenStopped = p0.workCalls;
            runtime.runUntil(3_000);
            assertEquals(callsWhenStopped, p0.workCalls, "a stopping instance's vCPUs are halted");
            assertEquals(2, p1.stops);

            a.completeTransition();
            a.start();
            a.completeTransition();
            assertEquals(3, p1.starts, "the program survives stop and start");
            a.terminate();
            assertEquals(3, p1.stops);
        }
    }

    @Test
    void shouldKeepMemoryContentsAndAttachmentsWhileStoppedAndReleaseItsThreads() throws Exception
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final FakePciEndpoint volume = FakePciEndpoint.nvme();
            a.attach(volume, AttachmentKind.EBS_VOLUME, "vol-0123456789abcdef0");
            a.memory().putLong(0x1000, 0xCAFEBABEL);
            a.memory().putLong((3L << 30) + 12, 0x5EED);
            volume.mmioWrite(0, FakePciEndpoint.REG_DMA_ADDR, 8, 0x40);

            a.stop();
            a.completeTransition();
            assertEquals(InstanceState.STOPPED, a.state());
            assertNull(a.placement());
            assertEquals(-1, a.vcpu(0).hostThreadId());
            assertEquals(72, host.freeThreadCount(), "a stopped instance holds no threads");
            assertEquals(0xCAFEBABEL, a.memory().getLong(0x1000));
            assertEquals(0x5EED, a.memory().getLong((3L << 30) + 12));
            assertTrue(Files.exists(a.memoryFile()));
            assertEquals(List.of("vol-0123456789abcdef0"), a.attachments().stream().map(x -> x.attachmentId()).toList());
            assertTrue(volume.isConnected());
            assertEquals(0, volume.resets);
            assertEquals(0, volume.disconnects);

            final Instance other = host.launchRunning("c5.large"); // takes the threads a left
            assertEquals(List.of(0, 1), other.placement().hostThreadIds());

            a.start();
            assertEquals(List.of(2, 3), a.placement().hostThreadIds());
            assertEquals(1, volume.resets, "power-on resets the attached functions");
            assertEquals(0, volume.mmioRead(0, FakePciEndpoint.REG_DMA_ADDR, 8));
            a.completeTransition();
            assertEquals(0xCAFEBABEL, a.memory().getLong(0x1000));
            assertEquals(0x5EED, a.memory().getLong((3L << 30) + 12));
            assertNotNull(a.attachment("vol-0123456789abcdef0"));
        }
    }

    @Test
    void shouldStayStoppedWhenStartFindsNoCapacity()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime();
            Host host = new Host(new Host.Context().runtime(runtime).sockets(1).coresPerSocket(1)))
        {
            final Instance a = host.launchRunning("c5.large");
            a.stop();
            a.completeTransition();
            host.launchRunning("c5.large");
            final InsufficientInstanceCapacityException ex =
                assertThrows(InsufficientInstanceCapacityException.class, a::start);
            assertEquals("InsufficientInstanceCapacity: "
                + "Insufficient capacity on this host for c5.large: it needs 2 vCPUs and 4 GiB of memory; "
                + "free: 0 of 2 hardware threads and 186 GiB of 190 GiB guest memory (largest range 186 GiB)",
                ex.getMessage());
            assertEquals(InstanceState.STOPPED, a.state());
            assertNull(a.placement());
        }
    }

    @Test
    void shouldReleaseEverythingOnTerminateSoANewInstanceCanReuseIt()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final FakePciEndpoint eni = FakePciEndpoint.ena();
            final FakePciEndpoint volume = FakePciEndpoint.nvme();
            a.attach(eni, AttachmentKind.NETWORK_INTERFACE, "eni-1");
            a.attach(volume, AttachmentKind.EBS_VOLUME, "vol-1");
            final var oldWindow = eni.dma;
            final RecordingProgram program = new RecordingProgram();
            a.loadProgram(0, program);
            runtime.runUntil(1_000);

            a.terminate();
            assertEquals(1, program.stops);
            assertTrue(Files.exists(a.memoryFile()), "resources are held until shutting-down completes");
            a.completeTransition();

            assertEquals(List.of(), a.attachments());
            assertEquals(0, a.bus().size());
            assertFalse(eni.isConnected());
            assertFalse(volume.isConnected());
            assertEquals(1, eni.disconnects);
            assertEquals(1, eni.agentCloses, "the device agent left the runtime");
            assertFalse(Files.exists(a.memoryFile()));
            assertNull(a.placement());
            assertEquals(72, host.freeThreadCount());
            assertEquals(190L << 30, host.freeMemoryBytes());
            assertTrue(a.iommu().isRevoked());
            assertFalse(oldWindow.read(0, new org.agrona.concurrent.UnsafeBuffer(new byte[8]), 0, 8),
                "a function that kept its window can no longer reach the memory");
            final IllegalStateException closed = assertThrows(IllegalStateException.class, () -> a.memory().getLong(0));
            assertEquals("guest memory " + a.id() + ".mem is closed (instance terminated)", closed.getMessage());

            // The ids and functions are free again: a new instance takes the same threads and the same devices.
            final Instance b = host.launchRunning("c5.large");
            assertEquals(List.of(0, 1), b.placement().hostThreadIds());
            assertEquals("00:03.0", b.attach(eni, AttachmentKind.NETWORK_INTERFACE, "eni-1").address().toString());
            assertEquals("00:04.0", b.attach(volume, AttachmentKind.EBS_VOLUME, "vol-1").address().toString());
            assertEquals(2, eni.connects);
        }
    }
}
