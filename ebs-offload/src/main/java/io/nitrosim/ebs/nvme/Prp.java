package io.nitrosim.ebs.nvme;

import java.nio.ByteOrder;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * PRP (Physical Region Page) rules (NVMe Base Specification, "Physical Region Page Entry and List").
 * <ul>
 * <li>PRP1 may carry an offset into its page; it must be dword aligned (bits 1:0 zero).</li>
 * <li>A transfer within PRP1's page uses PRP1 only; one that crosses into exactly one more page puts that page in
 * PRP2; more than that makes PRP2 a pointer to a PRP list.</li>
 * <li>Every later entry (PRP2 as a page, list entries) must be page aligned, else the command fails with
 * {@link NvmeStatus#PRP_OFFSET_INVALID}. A PRP list pointer may have an offset (8-byte aligned) and lists
 * chain: the last entry of a full list page points to the next list page.</li>
 * </ul>
 */
public final class Prp
{
    public static final int ENTRY_LENGTH = 8;

    private Prp()
    {
    }

    /** Pages a transfer of {@code lengthBytes} starting at {@code address} touches. */
    public static long pagesSpanned(final long address, final long lengthBytes, final int pageSize)
    {
        if (lengthBytes <= 0)
        {
            return 0;
        }
        final long pageOffset = address & (pageSize - 1);
        return (pageOffset + lengthBytes + pageSize - 1) / pageSize;
    }

    /** PRP1 is valid if dword aligned. */
    public static boolean isValidFirstEntry(final long prp1)
    {
        return (prp1 & 0x3) == 0;
    }

    /** PRP2 used as a page, and every PRP list entry, must have no page offset. */
    public static boolean isPageAligned(final long entry, final int pageSize)
    {
        return (entry & (pageSize - 1)) == 0;
    }

    /** A PRP list pointer must be 8-byte aligned (qword). */
    public static boolean isValidListPointer(final long prp2)
    {
        return (prp2 & 0x7) == 0;
    }

    /** Whether PRP2 is a list pointer (more than two pages) rather than the second page. */
    public static boolean usesList(final long prp1, final long lengthBytes, final int pageSize)
    {
        return pagesSpanned(prp1, lengthBytes, pageSize) > 2;
    }

    /** Entries a PRP list holds per page before it must chain (the last slot becomes the next pointer). */
    public static int entriesPerListPage(final int pageSize)
    {
        return pageSize / ENTRY_LENGTH;
    }

    /** Entry {@code index} of a PRP list held in {@code list} (a little-endian u64 page address). */
    public static long entry(final DirectBuffer list, final int index)
    {
        return list.getLong(index * ENTRY_LENGTH, ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes entry {@code index} of a PRP list. */
    public static void putEntry(final MutableDirectBuffer list, final int index, final long pageAddress)
    {
        list.putLong(index * ENTRY_LENGTH, pageAddress, ByteOrder.LITTLE_ENDIAN);
    }
}
