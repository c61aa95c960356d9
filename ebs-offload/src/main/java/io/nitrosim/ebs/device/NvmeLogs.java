package io.nitrosim.ebs.device;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import io.nitrosim.ebs.nvme.LogPages;
import io.nitrosim.ebs.nvme.NvmeStatus;

/**
 * What the controller's log pages report: the error information log (the last {@link #ENTRIES} failed commands,
 * newest first) and the SMART / health counters. Kept across controller resets, as a device keeps them.
 */
final class NvmeLogs
{
    static final int ENTRIES = 64;

    private final UnsafeBuffer errorLog =
        new UnsafeBuffer(ByteBuffer.allocateDirect(ENTRIES * LogPages.ERROR_ENTRY_LENGTH));
    private long errorCount;
    private int next;
    private long dataUnitsReadBytes;
    private long dataUnitsWrittenBytes;
    private long hostReadCommands;
    private long hostWriteCommands;
    private long mediaErrors;

    /** A command completed with {@code status} (not success): log it. */
    void error(final int sq, final int cid, final int status, final long lba, final long nsid)
    {
        errorCount++;
        final int entry = next;
        next = (next + 1) % ENTRIES;
        LogPages.putErrorEntry(errorLog, entry * LogPages.ERROR_ENTRY_LENGTH, errorCount, sq, cid, status, false,
            0xFFFF, lba, nsid);
    }

    /** A read of {@code bytes} succeeded. */
    void read(final long bytes)
    {
        hostReadCommands++;
        dataUnitsReadBytes += bytes;
    }

    /** A write of {@code bytes} succeeded. */
    void written(final long bytes)
    {
        hostWriteCommands++;
        dataUnitsWrittenBytes += bytes;
    }

    /** A command failed in the storage (counted as a media error when the status says so). */
    void failed(final int status)
    {
        if ((status & NvmeStatus.SCT_SC_MASK) == NvmeStatus.INTERNAL_ERROR)
        {
            mediaErrors++;
        }
    }

    /** Writes the error information log page (log 01h). @return its length. */
    int errorPage(final MutableDirectBuffer page)
    {
        for (int i = 0; i < ENTRIES && i < errorCount; i++)
        {
            final int entry = Math.floorMod(next - 1 - i, ENTRIES);
            page.putBytes(i * LogPages.ERROR_ENTRY_LENGTH, errorLog, entry * LogPages.ERROR_ENTRY_LENGTH,
                LogPages.ERROR_ENTRY_LENGTH);
        }
        return ENTRIES * LogPages.ERROR_ENTRY_LENGTH;
    }

    /** Writes the SMART / health information log page (log 02h). @return its length. */
    int smartPage(final MutableDirectBuffer page)
    {
        page.putShort(LogPages.SMART_COMPOSITE_TEMPERATURE_OFFSET, (short)308, ByteOrder.LITTLE_ENDIAN);
        page.putByte(LogPages.SMART_AVAILABLE_SPARE_OFFSET, (byte)100);
        page.putByte(LogPages.SMART_AVAILABLE_SPARE_THRESHOLD_OFFSET, (byte)10);
        LogPages.putCounter128(page, LogPages.SMART_DATA_UNITS_READ_OFFSET, LogPages.dataUnits(dataUnitsReadBytes));
        LogPages.putCounter128(page, LogPages.SMART_DATA_UNITS_WRITTEN_OFFSET,
            LogPages.dataUnits(dataUnitsWrittenBytes));
        LogPages.putCounter128(page, LogPages.SMART_HOST_READ_COMMANDS_OFFSET, hostReadCommands);
        LogPages.putCounter128(page, LogPages.SMART_HOST_WRITE_COMMANDS_OFFSET, hostWriteCommands);
        LogPages.putCounter128(page, LogPages.SMART_POWER_CYCLES_OFFSET, 1);
        LogPages.putCounter128(page, LogPages.SMART_MEDIA_ERRORS_OFFSET, mediaErrors);
        LogPages.putCounter128(page, LogPages.SMART_ERROR_LOG_ENTRIES_OFFSET, errorCount);
        return LogPages.SMART_LENGTH;
    }
}
