package io.nitrosim.nic.fabric;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

class HostDirectoryTest
{
    @Test
    void shouldFindEachRoutedHostAndNoOther()
    {
        final FabricPort near = new NoPort();
        final FabricPort next = new NoPort();
        final FabricPort far = new NoPort();
        final HostDirectory directory = new HostDirectory().addHost(3, near).addHost(0, next).addHost(70_000, far);
        assertSame(near, directory.port(3));
        assertSame(next, directory.port(0));
        assertSame(far, directory.port(70_000));
        assertTrue(directory.knows(70_000));
        for (final int unknown : new int[] {-1, 1, 2, 4, 1023, 1024, 69_999, Integer.MAX_VALUE})
        {
            assertNull(directory.port(unknown), "host " + unknown);
            assertFalse(directory.knows(unknown), "host " + unknown);
        }
        assertThrows(IllegalArgumentException.class, () -> directory.addHost(3, new NoPort()));
    }

    private static final class NoPort implements FabricPort
    {
        @Override
        public int tryClaim(final int length, final int chargedBytes, final long sentNs)
        {
            return -1;
        }

        @Override
        public MutableDirectBuffer buffer()
        {
            throw new UnsupportedOperationException();
        }

        @Override
        public void commit(final int index)
        {
        }

        @Override
        public void abort(final int index)
        {
        }
    }
}
