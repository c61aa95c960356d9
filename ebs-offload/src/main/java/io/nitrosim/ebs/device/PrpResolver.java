package io.nitrosim.ebs.device;

import java.nio.ByteBuffer;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.nvme.NvmeStatus;
import io.nitrosim.ebs.nvme.Prp;
import io.nitrosim.pci.DmaPort;

/**
 * Turns a command's PRP1/PRP2 (and PRP lists, read by DMA and followed across chained list pages) into the
 * address and length of each page-bounded segment of a transfer, checking every rule of {@link Prp}, and moves
 * data between those segments and a buffer. Statuses are returned, never thrown: a malformed pointer is PRP
 * OFFSET INVALID (DNR), a list the IOMMU refuses is DATA TRANSFER ERROR. Agent thread only.
 */
final class PrpResolver
{
    private final int pageSize;
    private final DmaPort dma;
    private final UnsafeBuffer listPage;

    PrpResolver(final int pageSize, final DmaPort dma)
    {
        this.pageSize = pageSize;
        this.dma = dma;
        this.listPage = new UnsafeBuffer(ByteBuffer.allocateDirect(pageSize));
    }

    /**
     * Resolves a transfer of {@code length} bytes into {@code addrs}/{@code lens}.
     *
     * @return the number of segments (0 for an empty transfer), or minus the NVMe status of the failure.
     */
    int resolve(final long prp1, final long prp2, final int length, final long[] addrs, final int[] lens)
    {
        if (length == 0)
        {
            return 0;
        }
        if (!Prp.isValidFirstEntry(prp1) || prp1 < 0)
        {
            return -(NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DO_NOT_RETRY);
        }
        final int firstLen = (int)Math.min(length, pageSize - (prp1 & (pageSize - 1)));
        addrs[0] = prp1;
        lens[0] = firstLen;
        int count = 1;
        int remaining = length - firstLen;
        if (remaining == 0)
        {
            return count;
        }
        final int pagesLeft = (remaining + pageSize - 1) / pageSize;
        if (pagesLeft > addrs.length - 1)
        {
            return -(NvmeStatus.INVALID_FIELD | NvmeStatus.DO_NOT_RETRY);
        }
        if (pagesLeft == 1)
        {
            if (!Prp.isPageAligned(prp2, pageSize) || prp2 < 0)
            {
                return -(NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DO_NOT_RETRY);
            }
            addrs[1] = prp2;
            lens[1] = remaining;
            return 2;
        }
        if (!Prp.isValidListPointer(prp2) || prp2 < 0)
        {
            return -(NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DO_NOT_RETRY);
        }
        long listAddress = prp2;
        int needed = pagesLeft;
        while (needed > 0)
        {
            final int slotsInPage = (int)((pageSize - (listAddress & (pageSize - 1))) / Prp.ENTRY_LENGTH);
            final boolean chains = needed > slotsInPage;
            final int entries = chains ? slotsInPage - 1 : needed;
            final int readBytes = (chains ? slotsInPage : entries) * Prp.ENTRY_LENGTH;
            if (dma.read(listAddress, listPage, 0, readBytes) != DmaPort.OK)
            {
                return -NvmeStatus.DATA_TRANSFER_ERROR;
            }
            for (int i = 0; i < entries; i++)
            {
                final long entry = Prp.entry(listPage, i);
                if (!Prp.isPageAligned(entry, pageSize) || entry < 0)
                {
                    return -(NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DO_NOT_RETRY);
                }
                final int len = Math.min(remaining, pageSize);
                addrs[count] = entry;
                lens[count] = len;
                count++;
                remaining -= len;
            }
            needed -= entries;
            if (chains)
            {
                listAddress = Prp.entry(listPage, entries);
                if (!Prp.isValidListPointer(listAddress) || listAddress < 0)
                {
                    return -(NvmeStatus.PRP_OFFSET_INVALID | NvmeStatus.DO_NOT_RETRY);
                }
            }
        }
        return count;
    }

    /** DMA-reads {@code count} segments into {@code dst} from {@code at} on. @return false if any was refused. */
    boolean read(final long[] addrs, final int[] lens, final int count, final MutableDirectBuffer dst, final int at)
    {
        int offset = at;
        for (int i = 0; i < count; i++)
        {
            if (dma.read(addrs[i], dst, offset, lens[i]) != DmaPort.OK)
            {
                return false;
            }
            offset += lens[i];
        }
        return true;
    }

    /**
     * DMA-writes {@code src} from {@code at} on into {@code count} segments starting at {@code first} of the
     * arrays. @return false if any was refused.
     */
    boolean write(final long[] addrs, final int[] lens, final int first, final int count, final DirectBuffer src,
        final int at)
    {
        int offset = at;
        for (int i = 0; i < count; i++)
        {
            if (dma.write(addrs[first + i], src, offset, lens[first + i]) != DmaPort.OK)
            {
                return false;
            }
            offset += lens[first + i];
        }
        return true;
    }
}
