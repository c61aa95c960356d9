package io.nitrosim.ebs.nbd;

import io.nitrosim.metrics.MeterDescriptor;
import io.nitrosim.metrics.MeterSpec;

/** An NBD server's meters (tag {@code export}: the names of the exports it serves, comma-separated, or "region"). */
public enum NbdMeter implements MeterDescriptor
{
    CONNECTIONS(MeterSpec.gauge("nbd.connections", "NBD connections open now", "export")),
    CONNECTIONS_ACCEPTED(counter("nbd.connections.accepted", "NBD connections accepted")),
    CONNECTIONS_REFUSED(counter("nbd.connections.refused",
        "NBD connections refused because the server's connection limit was reached")),
    REQUESTS(counter("nbd.requests", "NBD transmission requests received")),
    ERROR_REPLIES(counter("nbd.error.replies", "NBD requests answered with an error (EIO, EINVAL, ENOSPC, EPERM, ESHUTDOWN)")),
    READ_BYTES(counter("nbd.read.bytes", "Bytes NBD clients read")),
    WRITE_BYTES(counter("nbd.write.bytes", "Bytes NBD clients wrote")),
    PROTOCOL_VIOLATIONS(counter("nbd.protocol.violations", "NBD connections closed for an unparseable stream")),
    TIMEOUTS(counter("nbd.timeouts", "NBD connections closed by a timeout (handshake not finished in time, or idle)"));

    private final MeterSpec spec;

    NbdMeter(final MeterSpec spec)
    {
        this.spec = spec;
    }

    private static MeterSpec counter(final String name, final String help)
    {
        return MeterSpec.counter(name, help, "export");
    }

    @Override
    public MeterSpec spec()
    {
        return spec;
    }
}
