package io.nitrosim.ebs.device;

import io.nitrosim.ebs.volume.VolumeId;
import io.nitrosim.pci.PciFunction;
import io.nitrosim.pci.queue.HandoffRing;
import io.nitrosim.pci.trace.Tracer;
import io.nitrosim.shaping.ShapedRing;
import io.nitrosim.time.Wake;

/**
 * What the EBS card sees of one attached volume's front end, in storage terms only: the shaped ring of
 * {@link StorageRequest}s the front end produces (ready times and charged bytes; the card's gate governs it), the
 * hand-off ring the card returns completions on ({@code HandoffLayout.COMPLETION} records: id = the request's
 * slot, generation = its epoch, status = a {@link io.nitrosim.ebs.storage.StorageStatus}, payload = read data),
 * and the front end's epoch: requests of an older epoch were abandoned by a reset and are dropped unserved. The
 * NVMe controller is the front end here; the card never learns its commands or statuses.
 */
final class VolumePort
{
    private final int index;
    private final VolumeId volumeId;
    private final boolean timingOnly;
    private final ShapedRing requests;
    private final HandoffRing completions;
    private final PciFunction frontEnd;
    private volatile int epoch;
    /** The card's group wake: requests queued, completions taken and a new epoch wake the card. */
    private Wake cardWake = Wake.NONE;
    /** Storage latency a fault adds to every request the front end queues (0: none). Written by the card's agent. */
    private long addedLatencyNs;
    /** Requests that carried {@link #addedLatencyNs}. */
    private long delayedRequests;
    /** Storage stalled until this time: the card takes no request from the ring before it (0: not stalled). */
    private long stalledUntilNs;
    /** Requests a killed storage server left unanswered that the card has still to send again. */
    private long resubmitsDue;
    /** Requests the card sent again after its storage server came back. */
    private long resubmitted;

    VolumePort(final int index, final VolumeId volumeId, final boolean timingOnly, final ShapedRing requests,
        final HandoffRing completions, final PciFunction frontEnd)
    {
        this.frontEnd = frontEnd;
        this.index = index;
        this.volumeId = volumeId;
        this.timingOnly = timingOnly;
        this.requests = requests;
        this.completions = completions;
    }

    /** Where the card traces the operations it takes from this volume's ring: the front end's tracer. */
    Tracer tracer()
    {
        return frontEnd.tracer();
    }

    /** The volume's attach index on its card (part of every backend request id). */
    int index()
    {
        return index;
    }

    VolumeId volumeId()
    {
        return volumeId;
    }

    /** No data and no backend: requests complete as soon as the card admits them. */
    boolean timingOnly()
    {
        return timingOnly;
    }

    ShapedRing requests()
    {
        return requests;
    }

    HandoffRing completions()
    {
        return completions;
    }

    /** The epoch new requests carry; a request of another epoch is stale. */
    int epoch()
    {
        return epoch;
    }

    /** Front end: everything in flight is abandoned (a reset). @return the new epoch. */
    int newEpoch()
    {
        final int next = epoch + 1;
        epoch = next;
        cardWake.wake(); // its queued requests are stale now: the card drops them without waiting for their time
        return next;
    }

    /** Binds the card's wake ({@code card}) and the front end's ({@code frontEnd}) to the port's two rings. */
    void bindWakes(final Wake card, final Wake frontEnd)
    {
        if (card != null)
        {
            cardWake = card;
            requests.wakeConsumer(card);
            completions.wakeProducer(card);
        }
        if (frontEnd != null)
        {
            requests.wakeProducer(frontEnd);
            completions.wakeConsumer(frontEnd);
        }
    }

    /** The latency a storage fault adds to each request queued now (0: none). */
    long addedLatencyNs()
    {
        return addedLatencyNs;
    }

    void countDelayed()
    {
        delayedRequests++;
    }

    void addedLatencyNs(final long latencyNs)
    {
        this.addedLatencyNs = latencyNs;
    }

    long delayedRequests()
    {
        return delayedRequests;
    }

    long stalledUntilNs()
    {
        return stalledUntilNs;
    }

    void stalledUntilNs(final long untilNs)
    {
        this.stalledUntilNs = untilNs;
    }

    /** The next {@code requests} the card takes from the ring are resends of requests a killed server lost. */
    void resubmitsDue(final long requests)
    {
        this.resubmitsDue = requests;
    }

    /** The card took a request from the ring: counted as a resend while any are due. */
    void countTaken()
    {
        if (resubmitsDue > 0)
        {
            resubmitsDue--;
            resubmitted++;
        }
    }

    long resubmitted()
    {
        return resubmitted;
    }
}
