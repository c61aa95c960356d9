package io.nitrosim.nic.bridge;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * One bridged UDP flow (a local client's address on the active side, a peer's address and port on the passive
 * side): two Agrona one-to-one ring buffers of datagrams, one record per datagram, between its socket (a Netty
 * event loop) and the guest. A full ring drops the datagram and counts it, as a full socket buffer would.
 */
public final class DatagramFlow
{
    public static final int MSG_DATAGRAM = 1;

    /** Datagrams from the local program: the socket side writes, the guest reads and sends them as frames. */
    final OneToOneRingBuffer outbound;
    /** Datagrams from the network: the guest writes, the socket side sends them to the local program. */
    final OneToOneRingBuffer inbound;
    final boolean active;
    final int mapping;
    final int targetPort;
    final Wakeup wakeup = new Wakeup();
    /** Active side, socket side only: where the local client's datagrams came from. */
    InetSocketAddress client;
    volatile boolean released;
    /** Guest: the flow was idle too long, or could not be taken; the socket side lets it go. */
    volatile boolean expired;

    // guest side
    int localPort;
    int remoteIp;
    int remotePort;
    long remoteMac;

    private DatagramFlow(final int ringBytes, final boolean active, final int mapping, final int targetPort)
    {
        this.outbound = ring(ringBytes);
        this.inbound = ring(ringBytes);
        this.active = active;
        this.mapping = mapping;
        this.targetPort = targetPort;
    }

    private static OneToOneRingBuffer ring(final int bytes)
    {
        return new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(bytes + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** A flow from a local client to the listen socket of port mapping {@code mapping}. */
    static DatagramFlow fromClient(final int ringBytes, final int mapping, final InetSocketAddress client)
    {
        final DatagramFlow f = new DatagramFlow(ringBytes, true, mapping, 0);
        f.client = client;
        return f;
    }

    /** A flow from a peer to {@code targetPort}, sent on to 127.0.0.1:{@code targetPort}. */
    static DatagramFlow toTarget(final int ringBytes, final int targetPort)
    {
        return new DatagramFlow(ringBytes, false, -1, targetPort);
    }

    void wake()
    {
        wakeup.wake();
    }
}
