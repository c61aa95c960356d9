package io.nitrosim.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class CounterRegistryTest
{
    private static final class TestMeter
    {
        static final MeterSpec FRAMES = MeterSpec.counter("test.frames", "Frames sent", "instance", "eni");
        static final MeterSpec DMA_BYTES =
            MeterSpec.counter("test.dma.bytes", "Bytes moved by DMA", "instance", "eni|volume");
        static final MeterSpec BALANCE =
            MeterSpec.gauge("test.balance.ppm", "Credit balance in parts per million", "instance");
    }

    @Test
    void shouldRegisterFromDescriptorsAndReadByNameAndTags()
    {
        try (CounterRegistry registry = new CounterRegistry(8))
        {
            final MetricTags eth0 = MetricTags.of("instance", "i-1", "eni", "eth0");
            final AtomicCounter frames = TestMeter.FRAMES.newCounter(registry, eth0);
            frames.getAndAdd(42);
            TestMeter.BALANCE.newGauge(registry, MetricTags.of("instance", "i-1"), () -> 750_000L);

            assertEquals(42, registry.value(TestMeter.FRAMES, eth0));
            assertEquals(42, registry.find("test.frames", eth0).value());
            assertEquals(750_000L, registry.value(TestMeter.BALANCE, MetricTags.of("instance", "i-1")));
            assertEquals("Frames sent", registry.find(TestMeter.FRAMES, eth0).descriptor().help());
            assertNull(registry.find(TestMeter.FRAMES, MetricTags.of("instance", "i-1", "eni", "eth1")));
            assertEquals("no meter test.frames{instance=i-1,eni=eth1} is registered",
                assertThrows(IllegalArgumentException.class,
                    () -> registry.value(TestMeter.FRAMES, MetricTags.of("instance", "i-1", "eni", "eth1")))
                    .getMessage());
        }
    }

    @Test
    void shouldRefuseTagsOtherThanTheDeclaredKeysAndTheWrongKind()
    {
        try (CounterRegistry registry = new CounterRegistry(8))
        {
            assertEquals("test.frames takes tags [instance, eni], got {instance=i-1}",
                assertThrows(IllegalArgumentException.class,
                    () -> registry.counter(TestMeter.FRAMES, MetricTags.of("instance", "i-1"))).getMessage());
            assertEquals("test.frames takes tags [instance, eni], got {eni=eth0,instance=i-1}",
                assertThrows(IllegalArgumentException.class, () -> registry.counter(TestMeter.FRAMES,
                    MetricTags.of("eni", "eth0", "instance", "i-1"))).getMessage(), "order matters");
            registry.counter(TestMeter.DMA_BYTES, MetricTags.of("instance", "i-1", "eni", "eth0"));
            registry.counter(TestMeter.DMA_BYTES, MetricTags.of("instance", "i-1", "volume", "vol-1"));
            assertEquals("test.dma.bytes takes tags [instance, eni|volume], got {instance=i-1,ring=x}",
                assertThrows(IllegalArgumentException.class, () -> registry.counter(TestMeter.DMA_BYTES,
                    MetricTags.of("instance", "i-1", "ring", "x"))).getMessage());
            assertEquals("test.balance.ppm is declared a GAUGE, registered as a COUNTER",
                assertThrows(IllegalArgumentException.class,
                    () -> registry.counter(TestMeter.BALANCE, MetricTags.of("instance", "i-1"))).getMessage());
            assertEquals(2, registry.meters().size());
        }
    }

    @Test
    void shouldGiveAnUnregisteredCounterWithoutARegistry()
    {
        final AtomicCounter counter = TestMeter.FRAMES.newCounter(null, MetricTags.of("x", "y"));
        counter.increment();
        assertEquals(1, counter.get(), "works, exported nowhere, tags not checked");
        TestMeter.BALANCE.newGauge(null, MetricTags.EMPTY, () -> 1); // nothing to register it in
    }

    @Test
    void shouldBindEveryMeterToMicrometerWithItsHelpText()
    {
        try (CounterRegistry registry = new CounterRegistry(8))
        {
            final MetricTags eth0 = MetricTags.of("instance", "i-1", "eni", "eth0");
            TestMeter.FRAMES.newCounter(registry, eth0).getAndAdd(7);
            TestMeter.BALANCE.newGauge(registry, MetricTags.of("instance", "i-1"), () -> 250_000L);
            final SimpleMeterRegistry micrometer = new SimpleMeterRegistry();
            MicrometerBinder.bind(registry, micrometer);

            final FunctionCounter frames = micrometer.get("test.frames").tag("eni", "eth0").functionCounter();
            assertEquals(7.0, frames.count());
            assertEquals("Frames sent", frames.getId().getDescription());
            final Gauge balance = micrometer.get("test.balance.ppm").tag("instance", "i-1").gauge();
            assertEquals(250_000.0, balance.value());
            assertEquals("Credit balance in parts per million", balance.getId().getDescription());
        }
    }

    @Test
    void shouldRequireAHelpText()
    {
        assertEquals("meter x.y needs a help text",
            assertThrows(IllegalArgumentException.class, () -> MeterSpec.counter("x.y", " ")).getMessage());
    }
}
