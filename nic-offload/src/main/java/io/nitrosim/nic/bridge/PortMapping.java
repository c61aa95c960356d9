package io.nitrosim.nic.bridge;

/**
 * One bridged port: local programs reach {@code listenHost:listenPort} (on the machine running the simulator),
 * and their traffic leaves this guest's interface for {@code targetIp:targetPort} inside the VPC, where the
 * target guest's bridge hands it to 127.0.0.1:{@code targetPort}.
 *
 * @param tcp        TCP (a reliable stream per connection) or UDP (one frame per datagram).
 * @param listenHost a loopback address unless the caller decides otherwise.
 * @param listenPort 0 = any free port.
 * @param targetIp   the target interface's IPv4 address.
 * @param targetPort 1..65535.
 */
public record PortMapping(boolean tcp, String listenHost, int listenPort, int targetIp, int targetPort)
{
    public PortMapping
    {
        if (listenPort < 0 || listenPort > 65_535 || targetPort < 1 || targetPort > 65_535)
        {
            throw new IllegalArgumentException("port mapping " + listenPort + " -> " + targetPort
                + ": accepted listen port 0..65535 and target port 1..65535");
        }
    }

    public String protocol()
    {
        return tcp ? "tcp" : "udp";
    }
}
