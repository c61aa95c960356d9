package io.nitrosim.nic.bridge;

/**
 * What one bridged TCP connection shares between its local socket (a Netty event loop) and its reliable stream
 * inside the guest (the vCPU): two {@link ByteRing}s and a few single-writer flags. Nothing else crosses.
 * <p>
 * The guest writes {@link #state} and {@link #remoteFinished}; the socket side writes {@link #localFinished},
 * {@link #localFailed}, {@link #targetConnected}, {@link #waitingForRoom} and {@link #released}. The guest wakes
 * the socket side with {@link #wake()} (at most one task queued at a time); the socket side is polled by the
 * guest on every pass, so it never needs to wake the guest.
 */
public final class StreamConnection
{
    /** Opening: SYN sent (active side) or the target being connected (passive side). */
    public static final int OPENING = 0;
    public static final int ESTABLISHED = 1;
    /** Both directions finished and acknowledged. */
    public static final int CLOSED = 2;
    /** The peer never answered (a security group dropped the SYN) or refused (nothing listens at the target). */
    public static final int REFUSED = 3;
    /** Reset by the peer, or given up after repeated timeouts. */
    public static final int RESET = 4;

    /** Bytes from the local program to the network: the socket side produces, the guest consumes on ack. */
    final ByteRing outbound;
    /** Bytes from the network to the local program: the guest produces, the socket side consumes. */
    final ByteRing inbound;
    final boolean active;
    /** Active side: the index of the port mapping whose listen socket accepted it; passive side: -1. */
    final int mapping;
    /** Passive side: the port on 127.0.0.1 to connect to; active side: 0. */
    final int targetPort;
    final Wakeup wakeup = new Wakeup();

    volatile int state = OPENING;
    volatile boolean remoteFinished;
    volatile boolean localFinished;
    volatile boolean localFailed;
    volatile boolean targetConnected;
    volatile boolean waitingForRoom;
    volatile boolean released;

    private StreamConnection(final int ringBytes, final boolean active, final int mapping, final int targetPort)
    {
        this.outbound = new ByteRing(ringBytes);
        this.inbound = new ByteRing(ringBytes);
        this.active = active;
        this.mapping = mapping;
        this.targetPort = targetPort;
    }

    /** A connection a local program opened to the listen socket of port mapping {@code mapping}. */
    static StreamConnection accepted(final int ringBytes, final int mapping)
    {
        return new StreamConnection(ringBytes, true, mapping, 0);
    }

    /** A connection a peer opened to {@code targetPort}, to be connected to 127.0.0.1:{@code targetPort}. */
    static StreamConnection toTarget(final int ringBytes, final int targetPort)
    {
        return new StreamConnection(ringBytes, false, -1, targetPort);
    }

    void wake()
    {
        wakeup.wake();
    }

    public int state()
    {
        return state;
    }

    public boolean isReleased()
    {
        return released;
    }
}
