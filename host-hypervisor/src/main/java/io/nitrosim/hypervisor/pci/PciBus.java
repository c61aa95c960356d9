package io.nitrosim.hypervisor.pci;

import java.util.ArrayList;
import java.util.List;

import io.nitrosim.hypervisor.guest.PciAddress;
import io.nitrosim.hypervisor.guest.PciDeviceInfo;
import io.nitrosim.pci.PciEndpoint;

/**
 * One instance's PCI bus (bus 0): single-function devices at device numbers {@value #FIRST_DEVICE}..31, each
 * attachment taking the lowest free number, so addresses are deterministic ("00:03.0", "00:04.0", ...).
 * Devices 0..2 are left to the host bridge and platform devices, as on a typical x86 guest.
 * <p>
 * The host inserts and removes attachments under its lock (policy and EC2 errors live in the host); guest
 * accesses from vCPU threads read a copy-on-write slot array, so they never lock. An access to an empty slot
 * or to a function number other than 0 is a master abort: reads return all ones, writes are dropped.
 */
public final class PciBus
{
    public static final int FIRST_DEVICE = 3;
    public static final int MAX_DEVICE = 31;
    public static final int MAX_SLOTS = MAX_DEVICE - FIRST_DEVICE + 1;

    private final int busNumber;
    private final int maxAttachments;
    private volatile Attachment[] slots = new Attachment[MAX_DEVICE + 1];
    private int size;

    /**
     * @param maxAttachments how many functions the bus takes, 1..{@value #MAX_SLOTS}
     */
    public PciBus(final int busNumber, final int maxAttachments)
    {
        if (maxAttachments < 1 || maxAttachments > MAX_SLOTS)
        {
            throw new IllegalArgumentException("maxAttachments " + maxAttachments + " out of range 1.." + MAX_SLOTS);
        }
        this.busNumber = busNumber;
        this.maxAttachments = maxAttachments;
    }

    public int maxAttachments()
    {
        return maxAttachments;
    }

    public int size()
    {
        return size;
    }

    public boolean isFull()
    {
        return size >= maxAttachments;
    }

    /** The address the next attachment would get; null when the bus is full. */
    public PciAddress nextFreeAddress()
    {
        if (isFull())
        {
            return null;
        }
        final Attachment[] s = slots;
        for (int device = FIRST_DEVICE; device <= MAX_DEVICE; device++)
        {
            if (s[device] == null)
            {
                return new PciAddress(busNumber, device, 0);
            }
        }
        return null;
    }

    /** Puts an attachment in its (free) slot. */
    public void insert(final Attachment attachment)
    {
        final int device = attachment.address().device();
        final Attachment[] s = slots;
        if (isFull() || attachment.address().bus() != busNumber || device < FIRST_DEVICE || s[device] != null)
        {
            throw new IllegalStateException("slot " + attachment.address() + " is not free on a bus with "
                + size + "/" + maxAttachments + " attachments");
        }
        final Attachment[] copy = s.clone();
        copy[device] = attachment;
        slots = copy;
        size++;
    }

    /** Empties the slot holding {@code attachment}. */
    public void remove(final Attachment attachment)
    {
        final int device = attachment.address().device();
        final Attachment[] s = slots;
        if (s[device] != attachment)
        {
            throw new IllegalStateException(attachment + " is not on this bus");
        }
        final Attachment[] copy = s.clone();
        copy[device] = null;
        slots = copy;
        size--;
    }

    /** Attachments in device-number order. */
    public List<Attachment> attachments()
    {
        final List<Attachment> result = new ArrayList<>(size);
        for (final Attachment a : slots)
        {
            if (a != null)
            {
                result.add(a);
            }
        }
        return result;
    }

    /** The function at {@code address}, or null. */
    public PciEndpoint endpointAt(final PciAddress address)
    {
        return endpointAt(address.bus(), address.device(), address.function());
    }

    private PciEndpoint endpointAt(final int bus, final int device, final int function)
    {
        if (bus != busNumber || function != 0 || device < 0 || device > MAX_DEVICE)
        {
            return null;
        }
        final Attachment a = slots[device];
        return a == null ? null : a.endpoint();
    }

    /** Configuration read; all ones (of the access size) when no function answers. */
    public int configRead(final PciAddress address, final int offset, final int sizeBytes)
    {
        final PciEndpoint endpoint = endpointAt(address);
        if (endpoint == null)
        {
            return sizeBytes >= 4 ? -1 : (1 << (8 * sizeBytes)) - 1;
        }
        return endpoint.configRead(offset, sizeBytes);
    }

    public void configWrite(final PciAddress address, final int offset, final int sizeBytes, final int value)
    {
        final PciEndpoint endpoint = endpointAt(address);
        if (endpoint != null)
        {
            endpoint.configWrite(offset, sizeBytes, value);
        }
    }

    /** MMIO read; all ones (of the access size) when no function answers. */
    public long mmioRead(final PciAddress address, final int barIndex, final long offset, final int sizeBytes)
    {
        final PciEndpoint endpoint = endpointAt(address);
        if (endpoint == null)
        {
            return sizeBytes >= 8 ? -1L : (1L << (8 * sizeBytes)) - 1;
        }
        return endpoint.mmioRead(barIndex, offset, sizeBytes);
    }

    public void mmioWrite(final PciAddress address, final int barIndex, final long offset, final int sizeBytes, final long value)
    {
        final PciEndpoint endpoint = endpointAt(address);
        if (endpoint != null)
        {
            endpoint.mmioWrite(barIndex, offset, sizeBytes, value);
        }
    }

    /** What a guest's bus scan finds: vendor, device and class read from each present function's config space. */
    public List<PciDeviceInfo> enumerate()
    {
        final List<PciDeviceInfo> found = new ArrayList<>();
        final Attachment[] s = slots;
        for (int device = 0; device <= MAX_DEVICE; device++)
        {
            final Attachment a = s[device];
            if (a == null)
            {
                continue;
            }
            final PciEndpoint e = a.endpoint();
            final int vendorId = e.configRead(0x00, 2) & 0xFFFF;
            if (vendorId == 0xFFFF)
            {
                continue; // function does not answer
            }
            final int deviceId = e.configRead(0x02, 2) & 0xFFFF;
            final int classCode = e.configRead(0x08, 4) >>> 8; // revision id in bits 7:0
            found.add(new PciDeviceInfo(a.address(), vendorId, deviceId, classCode));
        }
        return found;
    }
}
