package io.nitrosim.pci;

/**
 * A guest driver's view of the one PCI function it drives: configuration space and BARs at offsets, exactly
 * what a driver reaches through the bus, nothing more. The hypervisor implements it for a vCPU (routing to
 * the function attached at the driver's slot); tests can wrap a {@link PciEndpoint} directly.
 */
public interface FunctionAccess
{
    int configRead(int offset, int sizeBytes);

    void configWrite(int offset, int sizeBytes, int value);

    long mmioRead(int barIndex, long offset, int sizeBytes);

    void mmioWrite(int barIndex, long offset, int sizeBytes, long value);

    /** Wraps an endpoint for direct access (tests, or a host that needs no routing). */
    static FunctionAccess of(final PciEndpoint endpoint)
    {
        return new FunctionAccess()
        {
            @Override
            public int configRead(final int offset, final int sizeBytes)
            {
                return endpoint.configRead(offset, sizeBytes);
            }

            @Override
            public void configWrite(final int offset, final int sizeBytes, final int value)
            {
                endpoint.configWrite(offset, sizeBytes, value);
            }

            @Override
            public long mmioRead(final int barIndex, final long offset, final int sizeBytes)
            {
                return endpoint.mmioRead(barIndex, offset, sizeBytes);
            }

            @Override
            public void mmioWrite(final int barIndex, final long offset, final int sizeBytes, final long value)
            {
                endpoint.mmioWrite(barIndex, offset, sizeBytes, value);
            }
        };
    }
}
