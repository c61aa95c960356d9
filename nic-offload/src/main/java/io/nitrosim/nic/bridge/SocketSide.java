package io.nitrosim.nic.bridge;

/**
 * What the guest half of a bridge asks of its socket half ({@link BridgeSockets}, on Netty event loops): new
 * connections and flows that local programs opened, and sockets to open toward local targets. Every call is
 * non-blocking; results come back through the connection's or flow's own flags and rings.
 */
public interface SocketSide
{
    /** The next connection a local program opened on a TCP listen socket, or null. */
    StreamConnection pollAccepted();

    /** The next flow a local client started on a UDP listen socket, or null. */
    DatagramFlow pollNewFlow();

    /** Connects 127.0.0.1:{@code c.targetPort}: sets {@code targetConnected}, or {@code localFailed}. */
    void connect(StreamConnection c);

    /** Opens a UDP socket toward 127.0.0.1:{@code f.targetPort}. */
    void open(DatagramFlow f);
}
