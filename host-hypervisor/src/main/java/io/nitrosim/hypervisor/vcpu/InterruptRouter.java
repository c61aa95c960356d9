package io.nitrosim.hypervisor.vcpu;

import org.agrona.concurrent.status.AtomicCounter;

import io.nitrosim.hypervisor.guest.MsiMessage;
import io.nitrosim.pci.MsiSink;

/**
 * One instance's interrupt router: decodes a function's MSI message (x86 format, see {@link MsiMessage}) and
 * raises the vector on the vCPU whose APIC id the address names, among this instance's vCPUs only.
 * <p>
 * A message with a bad address (not 0xFEEx_xxxx) or naming an APIC id this instance does not have is dropped
 * and counted, never delivered elsewhere. Each attached function gets its own {@link #bind() binding}, revoked
 * at detach, so a detached card's late interrupts are dropped (counted as reason=detached).
 * Safe to call from any number of function threads.
 */
public final class InterruptRouter implements MsiSink
{
    private final Vcpu[] vcpus;
    private final AtomicCounter routed;
    private final AtomicCounter droppedBadAddress;
    private final AtomicCounter droppedUnknownApicId;
    private final AtomicCounter droppedDetached;
    private volatile boolean revoked;

    public InterruptRouter(
        final Vcpu[] vcpus,
        final AtomicCounter routed,
        final AtomicCounter droppedBadAddress,
        final AtomicCounter droppedUnknownApicId,
        final AtomicCounter droppedDetached)
    {
        this.vcpus = vcpus.clone();
        this.routed = routed;
        this.droppedBadAddress = droppedBadAddress;
        this.droppedUnknownApicId = droppedUnknownApicId;
        this.droppedDetached = droppedDetached;
    }

    @Override
    public void deliver(final long messageAddress, final int messageData)
    {
        if (revoked)
        {
            droppedDetached.increment();
            return;
        }
        if (!MsiMessage.isValidAddress(messageAddress))
        {
            droppedBadAddress.increment();
            return;
        }
        final int apicId = MsiMessage.apicId(messageAddress);
        if (apicId >= vcpus.length)
        {
            droppedUnknownApicId.increment();
            return;
        }
        routed.increment();
        vcpus[apicId].post(MsiMessage.vector(messageData));
    }

    /** A per-function sink that can be revoked on detach. */
    public Binding bind()
    {
        return new Binding(this);
    }

    /** Drops every further message (instance terminated). */
    public void revoke()
    {
        revoked = true;
    }

    public long routedCount()
    {
        return routed.get();
    }

    public long droppedBadAddressCount()
    {
        return droppedBadAddress.get();
    }

    public long droppedUnknownApicIdCount()
    {
        return droppedUnknownApicId.get();
    }

    public long droppedDetachedCount()
    {
        return droppedDetached.get();
    }

    /** What one attached function holds. */
    public static final class Binding implements MsiSink
    {
        private final InterruptRouter router;
        private volatile boolean attached = true;

        private Binding(final InterruptRouter router)
        {
            this.router = router;
        }

        @Override
        public void deliver(final long messageAddress, final int messageData)
        {
            if (attached)
            {
                router.deliver(messageAddress, messageData);
            }
            else
            {
                router.droppedDetached.increment();
            }
        }

        public void revoke()
        {
            attached = false;
        }
    }
}
