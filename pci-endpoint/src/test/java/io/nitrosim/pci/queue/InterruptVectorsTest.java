package io.nitrosim.pci.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.nitrosim.pci.ConfigSpace;
import io.nitrosim.pci.FakeGuestMemory;
import io.nitrosim.pci.PciTestFirmware;
import io.nitrosim.pci.RecordingFunction;
import io.nitrosim.pci.RecordingMsiSink;

class InterruptVectorsTest
{
    private static final int FIRST = 0x40;

    private final RecordingFunction device = new RecordingFunction();
    private final RecordingMsiSink sink = new RecordingMsiSink();

    InterruptVectorsTest()
    {
        device.connect(new FakeGuestMemory(0, 4096), sink);
        PciTestFirmware.setCommandBits(device, ConfigSpace.COMMAND_MEMORY_SPACE, true);
        PciTestFirmware.enableMsix(device, 0, FIRST);
    }

    private List<Integer> vectors()
    {
        final List<Integer> list = new java.util.ArrayList<>();
        for (int i = 0; i < sink.count(); i++)
        {
            list.add(sink.vector(i) - FIRST);
        }
        return list;
    }

    @Test
    void shouldSendEachRaisedVectorOncePerFireInAscendingOrder()
    {
        final InterruptVectors vectors = new InterruptVectors(4, 4);
        vectors.raise(3);
        vectors.raise(1);
        vectors.raise(3);
        vectors.raise(7); // not a vector of this device: ignored
        assertEquals(2, vectors.fire(device.msix()));
        assertEquals(List.of(1, 3), vectors());
        assertEquals(0, vectors.fire(device.msix()));
        vectors.raise(1);
        assertEquals(1, vectors.fire(device.msix()));
        assertEquals(List.of(1, 3, 1), vectors());
    }

    @Test
    void shouldKeepAOneShotVectorQuietUntilRearmedAndThenSendWhatWasRaisedMeanwhile()
    {
        final InterruptVectors vectors = new InterruptVectors(4, 1);
        vectors.raise(0);
        vectors.raise(2);
        vectors.fire(device.msix());
        assertEquals(List.of(0, 2), vectors());
        assertFalse(vectors.isArmed(2));
        assertTrue(vectors.isArmed(0), "vector 0 is not one-shot");
        vectors.raise(0);
        vectors.raise(2);
        assertEquals(1, vectors.fire(device.msix()));
        assertEquals(List.of(0, 2, 0), vectors());
        assertTrue(vectors.isPending(2));
        vectors.rearm(2);
        assertEquals(1, vectors.fire(device.msix()));
        assertEquals(List.of(0, 2, 0, 2), vectors());
        vectors.raise(2);
        vectors.reset();
        assertEquals(0, vectors.fire(device.msix()), "a reset drops what was pending");
        assertTrue(vectors.isArmed(2));
    }

    @Test
    void shouldSendVectorsAboveOneThatStaysPendingWhileDisarmed()
    {
        final InterruptVectors vectors = new InterruptVectors(4, 1);
        vectors.raise(1);
        assertEquals(1, vectors.fire(device.msix()));
        vectors.raise(1); // disarmed: stays pending
        vectors.raise(1);
        vectors.raise(3);
        assertEquals(1, vectors.fire(device.msix()));
        assertEquals(List.of(1, 3), vectors());
        vectors.rearm(1);
        vectors.raise(2);
        assertEquals(2, vectors.fire(device.msix()));
        assertEquals(List.of(1, 3, 1, 2), vectors());
        assertEquals(0, vectors.fire(device.msix()));
    }

    @Test
    void shouldRefuseAFirstOneShotVectorOutsideTheVectors()
    {
        assertEquals("4 vectors, first one-shot 5: accepted at least 1 vector and a first one-shot vector in 0..4",
            assertThrows(IllegalArgumentException.class, () -> new InterruptVectors(4, 5)).getMessage());
    }
}
