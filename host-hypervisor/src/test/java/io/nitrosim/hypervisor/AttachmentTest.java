package io.nitrosim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.nitrosim.hypervisor.guest.GuestContext;
import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.hypervisor.pci.Attachment;
import io.nitrosim.hypervisor.pci.AttachmentKind;
import io.nitrosim.time.VirtualTimeRuntime;

class AttachmentTest
{
    @Test
    void shouldAssignLspciAddressesFromTheLowestFreeDeviceNumber()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            assertEquals(PciAddress.parse("00:03.0"),
                a.attach(FakePciEndpoint.ena(), AttachmentKind.NETWORK_INTERFACE, "eni-0").address());
            assertEquals("00:04.0", a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-1").address().toString());
            assertEquals("00:05.0", a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-2").address().toString());
            a.detach("vol-1");
            assertEquals("00:04.0", a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-3").address().toString());

            final GuestContext ctx = a.vcpu(0).context();
            assertEquals(List.of("00:03.0 020000: 1d0f:ec20", "00:04.0 010802: 1d0f:8061", "00:05.0 010802: 1d0f:8061"),
                ctx.enumerateDevices().stream().map(Object::toString).toList());
            assertEquals(List.of("eni-0", "vol-2", "vol-3"), a.attachments().stream().map(Attachment::attachmentId).toList());
            assertEquals(0xFFFF, ctx.configRead(PciAddress.parse("00:06.0"), 0, 2), "empty slot: master abort");
            assertEquals(-1, ctx.configRead(PciAddress.parse("00:03.1"), 0, 4), "function 1 does not exist");
            assertEquals(0xFFFFFFFFL, ctx.mmioRead(PciAddress.parse("00:1f.0"), 0, 0, 4));
        }
    }

    @Test
    void shouldRefuseThe29thAttachmentWithEc2sMessageAndLeaveTheInstanceUnchanged()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            a.attach(FakePciEndpoint.ena(), AttachmentKind.NETWORK_INTERFACE, "eni-primary");
            for (int i = 1; i <= 27; i++)
            {
                a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-" + i);
            }
            assertEquals(28, a.attachments().size());
            assertEquals("00:1e.0", a.attachment("vol-27").address().toString());
            final List<Attachment> before = a.attachments();

            final FakePciEndpoint extra = FakePciEndpoint.nvme();
            final AttachmentLimitExceededException ex = assertThrows(AttachmentLimitExceededException.class,
                () -> a.attach(extra, AttachmentKind.EBS_VOLUME, "vol-28"));
            assertEquals("AttachmentLimitExceeded", ex.errorCode());
            assertEquals("AttachmentLimitExceeded: "
                + "You've reached the limit on the number of Amazon EBS volumes or network interfaces that can "
                + "be attached to a single instance.", ex.getMessage());
            assertEquals(before, a.attachments());
            assertEquals(28, a.bus().size());
            assertEquals(28, a.vcpu(0).context().enumerateDevices().size());
            assertFalse(extra.isConnected());
            assertEquals(0, extra.agentStarts, "its agent never joined the runtime");
            assertEquals(InstanceState.RUNNING, a.state());

            // Detaching one makes room again, in the freed slot.
            a.detach("vol-5");
            assertEquals("00:08.0", a.attach(extra, AttachmentKind.EBS_VOLUME, "vol-28").address().toString());
        }
    }

    @Test
    void shouldEnforceTheInstanceTypesNetworkInterfaceLimit()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large"); // 3 ENIs
            for (int i = 0; i < 3; i++)
            {
                a.attach(FakePciEndpoint.ena(), AttachmentKind.NETWORK_INTERFACE, "eni-" + i);
            }
            final AttachmentLimitExceededException ex = assertThrows(AttachmentLimitExceededException.class,
                () -> a.attach(FakePciEndpoint.ena(), AttachmentKind.NETWORK_INTERFACE, "eni-3"));
            assertEquals("AttachmentLimitExceeded: "
                + "Interface count 4 exceeds the limit for c5.large", ex.getMessage());
            assertEquals(3, a.attachments().size());
            // 3 extra ENIs leave room for 25 more volumes (28 in all): the ENI limit is not the attachment limit.
            a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-1");
            assertEquals(4, a.attachments().size());
        }
    }

    @Test
    void shouldRefuseDoubleAttachWithExactMessagesAndChangeNothing()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final Instance b = host.launchRunning("c5.large");
            final FakePciEndpoint volume = FakePciEndpoint.nvme();
            final FakePciEndpoint eni = FakePciEndpoint.ena();
            a.attach(volume, AttachmentKind.EBS_VOLUME, "vol-0abc");
            a.attach(eni, AttachmentKind.NETWORK_INTERFACE, "eni-0abc");

            assertInUse("VolumeInUse", "vol-0abc is already attached to an instance (" + a.id() + ")",
                () -> a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-0abc"), a, b);
            assertInUse("VolumeInUse", "vol-0abc is already attached to an instance (" + a.id() + ")",
                () -> b.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-0abc"), a, b);
            assertInUse("InvalidNetworkInterface.InUse", "Interface: [eni-0abc] in use (attached to " + a.id() + ")",
                () -> b.attach(FakePciEndpoint.ena(), AttachmentKind.NETWORK_INTERFACE, "eni-0abc"), a, b);
            assertInUse("InvalidParameterValue", "the PCI function given for vol-other is already attached as vol-0abc to "
                + a.id(), () -> b.attach(volume, AttachmentKind.EBS_VOLUME, "vol-other"), a, b);
            assertEquals(1, volume.connects);
            assertTrue(volume.dma != null);
        }
    }

    private static void assertInUse(
        final String code, final String message, final Executable attach, final Instance a, final Instance b)
    {
        final List<Attachment> beforeA = a.attachments();
        final List<Attachment> beforeB = b.attachments();
        final AttachmentInUseException ex = assertThrows(AttachmentInUseException.class, attach);
        assertEquals(code, ex.errorCode());
        assertEquals(code + ": " + message, ex.getMessage());
        assertEquals(beforeA, a.attachments());
        assertEquals(beforeB, b.attachments());
    }

    @Test
    void shouldRefuseDetachOfSomethingNotAttached()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final Instance b = host.launchRunning("c5.large");
            a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-1");
            b.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-2");
            final AttachmentNotFoundException ex =
                assertThrows(AttachmentNotFoundException.class, () -> a.detach("vol-2"));
            assertEquals("InvalidAttachment.NotFound", ex.errorCode());
            assertEquals("InvalidAttachment.NotFound: "
                + "'vol-2' is not attached to instance " + a.id() + "; attached: [vol-1]", ex.getMessage());
            assertEquals(1, a.attachments().size());
            assertEquals(1, b.attachments().size());
        }
    }

    @Test
    void shouldRefuseAttachAndDetachWhileShuttingDownOrTerminated()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, "vol-1");
            a.terminate();
            final FakePciEndpoint late = FakePciEndpoint.nvme();
            IncorrectInstanceStateException ex = assertThrows(IncorrectInstanceStateException.class,
                () -> a.attach(late, AttachmentKind.EBS_VOLUME, "vol-2"));
            assertEquals("IncorrectInstanceState: "
                + "The instance '" + a.id() + "' is not in a state from which it can be attached to: it is "
                + "shutting-down (32); attach is allowed when pending, running or stopped", ex.getMessage());
            ex = assertThrows(IncorrectInstanceStateException.class, () -> a.detach("vol-1"));
            assertEquals("IncorrectInstanceState: "
                + "The instance '" + a.id() + "' is not in a state from which it can be detached from: it is "
                + "shutting-down (32); detach is allowed when pending, running or stopped", ex.getMessage());
            assertEquals(1, a.attachments().size());

            a.completeTransition();
            ex = assertThrows(IncorrectInstanceStateException.class,
                () -> a.attach(late, AttachmentKind.EBS_VOLUME, "vol-2"));
            assertEquals("IncorrectInstanceState: "
                + "The instance '" + a.id() + "' is not in a state from which it can be attached to: it is "
                + "terminated (48); attach is allowed when pending, running or stopped", ex.getMessage());
            assertEquals(List.of(), a.attachments());
            assertFalse(late.isConnected());
            assertEquals(0, late.agentStarts);
        }
    }

    @Test
    void shouldRefuseABlankAttachmentId()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> a.attach(FakePciEndpoint.nvme(), AttachmentKind.EBS_VOLUME, " "));
            assertEquals("attachmentId must be a non-blank id such as vol-... or eni-..., got ' '", ex.getMessage());
        }
    }

    @Test
    void shouldHotAttachAndDetachWhileRunning()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final List<Integer> deviceCounts = new ArrayList<>();
            final RecordingProgram scanner = new RecordingProgram()
            {
                @Override
                public int doWork(final GuestContext ctx)
                {
                    final int n = ctx.enumerateDevices().size();
                    if (deviceCounts.isEmpty() || deviceCounts.get(deviceCounts.size() - 1) != n)
                    {
                        deviceCounts.add(n);
                    }
                    return 0;
                }
            };
            a.loadProgram(0, scanner);
            runtime.runUntil(1_000);

            final FakePciEndpoint volume = FakePciEndpoint.nvme();
            final Attachment attachment = a.attach(volume, AttachmentKind.EBS_VOLUME, "vol-hot");
            assertEquals(1, volume.agentStarts, "the device agent joined the runtime");
            runtime.runUntil(2_000);
            final long workBeforeDetach = volume.agentWorkCalls;
            assertTrue(workBeforeDetach > 0);
            final GuestContext ctx = a.vcpu(0).context();
            ctx.mmioWrite(attachment.address(), 0, FakePciEndpoint.REG_DMA_LEN, 8, 64);
            assertEquals(64, ctx.mmioRead(attachment.address(), 0, FakePciEndpoint.REG_DMA_LEN, 8));

            assertEquals(attachment, a.detach("vol-hot"));
            runtime.runUntil(3_000);
            assertEquals(List.of(0, 1, 0), deviceCounts, "the guest saw the device appear and disappear");
            assertEquals(1, volume.agentCloses);
            assertEquals(workBeforeDetach, volume.agentWorkCalls, "a detached device does no more work");
            assertFalse(volume.isConnected());
            assertEquals(-1L, ctx.mmioRead(attachment.address(), 0, FakePciEndpoint.REG_DMA_LEN, 8));
            assertNull(a.attachment("vol-hot"));
            assertEquals(InstanceState.RUNNING, a.state());
        }
    }
}
