package io.nitrosim.hypervisor;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.pci.DmaWindow;
import io.nitrosim.pci.MsiSink;
import io.nitrosim.pci.PciEndpoint;
import io.nitrosim.time.SimAgent;

/**
 * A tiny PCI function for tests: a config space with ids and class code, and a BAR0 with a "DMA increment"
 * engine. A driver writes DMA_ADDR, DMA_LEN, optionally MSI_ADDR/MSI_DATA, then DOORBELL; the device's agent
 * reads the bytes through its DMA window, adds 1 to each, writes them back, sets STATUS and raises the MSI.
 * <pre>
 *   BAR0 0x00 DOORBELL (w)   0x08 DMA_ADDR   0x10 DMA_LEN   0x18 MSI_ADDR   0x20 MSI_DATA
 *        0x28 STATUS (r: 0 idle, 1 done, 2 DMA refused)      0x30 COMPLETIONS (r)
 * </pre>
 */
final class FakePciEndpoint implements PciEndpoint
{
    static final int VENDOR_ID = 0x1d0f;
    static final int REG_DOORBELL = 0x00;
    static final int REG_DMA_ADDR = 0x08;
    static final int REG_DMA_LEN = 0x10;
    static final int REG_MSI_ADDR = 0x18;
    static final int REG_MSI_DATA = 0x20;
    static final int REG_STATUS = 0x28;
    static final int REG_COMPLETIONS = 0x30;
    static final long STATUS_DONE = 1;
    static final long STATUS_DMA_REFUSED = 2;

    private final int deviceId;
    private final int classCode;
    private final UnsafeBuffer config = new UnsafeBuffer(new byte[4096]);
    private final long[] bar0 = new long[16];
    private final AtomicInteger pendingDoorbells = new AtomicInteger();
    private final Agent agent = new Agent();
    volatile DmaWindow dma;
    volatile MsiSink msi;
    int connects;
    int disconnects;
    int resets;
    int agentStarts;
    int agentCloses;
    long agentWorkCalls;

    FakePciEndpoint(final int deviceId, final int classCode)
    {
        this.deviceId = deviceId;
        this.classCode = classCode;
        resetConfig();
    }

    static FakePciEndpoint nvme()
    {
        return new FakePciEndpoint(0x8061, 0x010802);
    }

    static FakePciEndpoint ena()
    {
        return new FakePciEndpoint(0xec20, 0x020000);
    }

    private void resetConfig()
    {
        config.setMemory(0, 4096, (byte)0);
        config.putShort(0x00, (short)VENDOR_ID);
        config.putShort(0x02, (short)deviceId);
        config.putInt(0x08, classCode << 8); // revision 0
    }

    boolean isConnected()
    {
        return dma != null;
    }

    @Override
    public int vendorId()
    {
        return VENDOR_ID;
    }

    @Override
    public int deviceId()
    {
        return deviceId;
    }

    @Override
    public int classCode()
    {
        return classCode;
    }

    @Override
    public int configRead(final int offset, final int sizeBytes)
    {
        switch (sizeBytes)
        {
            case 1:
                return config.getByte(offset) & 0xFF;
            case 2:
                return config.getShort(offset) & 0xFFFF;
            default:
                return config.getInt(offset);
        }
    }

    @Override
    public void configWrite(final int offset, final int sizeBytes, final int value)
    {
        if (offset >= 0x40) // ids and class code are read-only
        {
            config.putInt(offset, value);
        }
    }

    @Override
    public long mmioRead(final int barIndex, final long offset, final int sizeBytes)
    {
        return barIndex == 0 ? bar0[(int)(offset >>> 3)] : -1L;
    }

    @Override
    public void mmioWrite(final int barIndex, final long offset, final int sizeBytes, final long value)
    {
        if (barIndex != 0)
        {
            return;
        }
        if (offset == REG_DOORBELL)
        {
            pendingDoorbells.incrementAndGet();
        }
        else
        {
            bar0[(int)(offset >>> 3)] = value;
        }
    }

    @Override
    public void connect(final DmaWindow dma, final MsiSink msi)
    {
        connects++;
        this.dma = dma;
        this.msi = msi;
    }

    @Override
    public void disconnect()
    {
        disconnects++;
        this.dma = null;
        this.msi = null;
    }

    @Override
    public void functionLevelReset()
    {
        resets++;
        java.util.Arrays.fill(bar0, 0);
        pendingDoorbells.set(0);
    }

    @Override
    public SimAgent agent()
    {
        return agent;
    }

    private final class Agent implements SimAgent
    {
        private final UnsafeBuffer scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));

        @Override
        public void onStart()
        {
            agentStarts++;
        }

        @Override
        public int doWork()
        {
            agentWorkCalls++;
            if (pendingDoorbells.get() == 0)
            {
                return 0;
            }
            pendingDoorbells.decrementAndGet();
            final DmaWindow window = dma;
            final long address = bar0[REG_DMA_ADDR >>> 3];
            final int length = (int)bar0[REG_DMA_LEN >>> 3];
            if (window != null && window.read(address, scratch, 0, length))
            {
                for (int i = 0; i < length; i++)
                {
                    scratch.putByte(i, (byte)(scratch.getByte(i) + 1));
                }
                window.write(address, scratch, 0, length);
                bar0[REG_STATUS >>> 3] = STATUS_DONE;
            }
            else
            {
                bar0[REG_STATUS >>> 3] = STATUS_DMA_REFUSED;
            }
            bar0[REG_COMPLETIONS >>> 3]++;
            final MsiSink sink = msi;
            if (sink != null && bar0[REG_MSI_ADDR >>> 3] != 0)
            {
                sink.deliver(bar0[REG_MSI_ADDR >>> 3], (int)bar0[REG_MSI_DATA >>> 3]);
            }
            return 1;
        }

        @Override
        public long nextDeadlineNs()
        {
            return NO_DEADLINE;
        }

        @Override
        public void onClose()
        {
            agentCloses++;
        }

        @Override
        public String roleName()
        {
            return "fake-pci-" + Integer.toHexString(deviceId);
        }
    }
}
