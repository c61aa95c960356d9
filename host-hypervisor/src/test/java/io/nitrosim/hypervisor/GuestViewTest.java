package io.nitrosim.hypervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.hypervisor.pci.AttachmentKind;
import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.pci.FunctionAccess;
import io.nitrosim.pci.GuestMemoryAccess;
import io.nitrosim.time.VirtualTimeRuntime;

/** The guest's view the hypervisor implements for drivers: a slot of the bus, and the instance's memory. */
class GuestViewTest
{
    @Test
    void shouldReachTheFunctionAtItsSlotAndAnswerAnEmptySlotLikeAMasterAbort()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final FakePciEndpoint nvme = FakePciEndpoint.nvme();
            final PciAddress address = a.attach(nvme, AttachmentKind.EBS_VOLUME, "vol-1").address();
            final FunctionAccess function = a.functionAccess(address);
            assertEquals(0x8061, function.configRead(ConfigSpace.DEVICE_ID_OFFSET, 2));
            assertEquals(a.vcpu(0).context().configRead(address, 0, 4), function.configRead(0, 4));

            final FunctionAccess empty = a.functionAccess(PciAddress.parse("00:1f.0"));
            assertEquals(0xFFFF, empty.configRead(ConfigSpace.VENDOR_ID_OFFSET, 2));
            assertEquals(0xFFFF_FFFFL, empty.mmioRead(0, 0, 4));
            empty.mmioWrite(0, 0, 4, 1); // discarded, no exception

            a.detach("vol-1");
            assertEquals(0xFFFF, function.configRead(ConfigSpace.VENDOR_ID_OFFSET, 2), "a detached slot is empty");
        }
    }

    @Test
    void shouldGiveDriversTheInstancesMemoryAndRefuseAccessesOutsideIt()
    {
        try (VirtualTimeRuntime runtime = new VirtualTimeRuntime(); Host host = TestHosts.host(runtime))
        {
            final Instance a = host.launchRunning("c5.large");
            final GuestMemoryAccess memory = a.driverMemory();
            assertEquals(a.memory().sizeBytes(), memory.sizeBytes());
            memory.putLong(0x10_0000L, 0x0102_0304_0506_0708L);
            assertEquals(0x0506_0708, memory.getInt(0x10_0000L), "little-endian, as x86");
            assertEquals(0x0102_0304_0506_0708L, a.memory().getLong(0x10_0000L));
            final UnsafeBuffer bytes = new UnsafeBuffer(new byte[4]);
            memory.read(0x10_0004L, bytes, 0, 4);
            assertEquals(0x0102_0304, bytes.getInt(0, java.nio.ByteOrder.LITTLE_ENDIAN));
            memory.zero(0x10_0000L, 8);
            assertEquals(0, a.memory().getLong(0x10_0000L));
            final long end = memory.sizeBytes();
            assertEquals("guest access of 4 B at 0x" + Long.toHexString(end - 2) + " is outside the guest's " + end + " B",
                assertThrows(IndexOutOfBoundsException.class, () -> memory.write(end - 2, bytes, 0, 4)).getMessage());
        }
    }
}
