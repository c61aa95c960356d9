package io.nitrosim.ebs.nvme;

import java.nio.ByteOrder;

import org.agrona.MutableDirectBuffer;

/**
 * Layouts of the log pages the EBS controller returns (NVMe Base Specification, "Log Page Identifiers").
 * Little-endian.
 * <p>
 * Error Information entry (LID 01h), 64 bytes each, newest first:
 * <pre>
 *  0  ERROR_COUNT  u64  unique, incrementing; 0 = empty entry
 *  8  SQID         u16
 * 10  CID          u16
 * 12  STATUS       u16  P[0] phase tag of the completion, status field[15:1]
 * 14  PEL          u16  parameter error location: byte[7:0], bit[10:8] in the command
 * 16  LBA          u64
 * 24  NSID         u32
 * 28  VS           u8
 * 29  TRTYPE       u8
 * 32  CS           u64  command specific information
 * </pre>
 * SMART / Health Information (LID 02h), 512 bytes; 128-bit counters are stored as two u64 (low first):
 * <pre>
 *   0  CRITICAL_WARNING      u8
 *   1  COMPOSITE_TEMPERATURE u16 kelvin
 *   3  AVAILABLE_SPARE       u8  percent
 *   4  AVAILABLE_SPARE_THRESHOLD u8
 *   5  PERCENTAGE_USED       u8
 *  32  DATA_UNITS_READ       u128 thousands of 512-byte units
 *  48  DATA_UNITS_WRITTEN    u128
 *  64  HOST_READ_COMMANDS    u128
 *  80  HOST_WRITE_COMMANDS   u128
 *  96  CONTROLLER_BUSY_TIME  u128 minutes
 * 112  POWER_CYCLES          u128
 * 128  POWER_ON_HOURS        u128
 * 144  UNSAFE_SHUTDOWNS      u128
 * 160  MEDIA_ERRORS          u128
 * 176  ERROR_LOG_ENTRIES     u128
 * </pre>
 */
public final class LogPages
{
    public static final int ERROR_ENTRY_LENGTH = 64;
    public static final int ERROR_COUNT_OFFSET = 0;
    public static final int ERROR_SQID_OFFSET = 8;
    public static final int ERROR_CID_OFFSET = 10;
    public static final int ERROR_STATUS_OFFSET = 12;
    public static final int ERROR_PARAMETER_LOCATION_OFFSET = 14;
    public static final int ERROR_LBA_OFFSET = 16;
    public static final int ERROR_NSID_OFFSET = 24;
    public static final int ERROR_VS_OFFSET = 28;
    public static final int ERROR_TRTYPE_OFFSET = 29;
    public static final int ERROR_CS_OFFSET = 32;

    public static final int SMART_LENGTH = 512;
    public static final int SMART_CRITICAL_WARNING_OFFSET = 0;
    public static final int SMART_COMPOSITE_TEMPERATURE_OFFSET = 1;
    public static final int SMART_AVAILABLE_SPARE_OFFSET = 3;
    public static final int SMART_AVAILABLE_SPARE_THRESHOLD_OFFSET = 4;
    public static final int SMART_PERCENTAGE_USED_OFFSET = 5;
    public static final int SMART_DATA_UNITS_READ_OFFSET = 32;
    public static final int SMART_DATA_UNITS_WRITTEN_OFFSET = 48;
    public static final int SMART_HOST_READ_COMMANDS_OFFSET = 64;
    public static final int SMART_HOST_WRITE_COMMANDS_OFFSET = 80;
    public static final int SMART_CONTROLLER_BUSY_TIME_OFFSET = 96;
    public static final int SMART_POWER_CYCLES_OFFSET = 112;
    public static final int SMART_POWER_ON_HOURS_OFFSET = 128;
    public static final int SMART_UNSAFE_SHUTDOWNS_OFFSET = 144;
    public static final int SMART_MEDIA_ERRORS_OFFSET = 160;
    public static final int SMART_ERROR_LOG_ENTRIES_OFFSET = 176;
    public static final int FIRMWARE_SLOT_LENGTH = 512;
    public static final int FIRMWARE_ACTIVE_SLOT_OFFSET = 0;
    /** Firmware revision of slot 1 (8 ASCII bytes, space padded); slot n at 8 * n. */
    public static final int FIRMWARE_SLOT1_REVISION_OFFSET = 8;
    /** One SMART data unit: 1000 units of 512 bytes. */
    public static final long SMART_DATA_UNIT_BYTES = 512_000L;

    private LogPages()
    {
    }

    /** Writes one error log entry. @param status the 15-bit status field of the failed command. */
    public static void putErrorEntry(
        final MutableDirectBuffer buffer,
        final int offset,
        final long errorCount,
        final int sqId,
        final int commandId,
        final int status,
        final boolean phase,
        final int parameterErrorLocation,
        final long lba,
        final long nsid)
    {
        buffer.setMemory(offset, ERROR_ENTRY_LENGTH, (byte)0);
        buffer.putLong(offset + ERROR_COUNT_OFFSET, errorCount, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(offset + ERROR_SQID_OFFSET, (short)sqId, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(offset + ERROR_CID_OFFSET, (short)commandId, ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(offset + ERROR_STATUS_OFFSET, (short)CompletionQueueEntry.statusWord(status, phase),
            ByteOrder.LITTLE_ENDIAN);
        buffer.putShort(offset + ERROR_PARAMETER_LOCATION_OFFSET, (short)parameterErrorLocation, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + ERROR_LBA_OFFSET, lba, ByteOrder.LITTLE_ENDIAN);
        buffer.putInt(offset + ERROR_NSID_OFFSET, (int)nsid, ByteOrder.LITTLE_ENDIAN);
    }

    /** Parameter error location: the byte and bit of the command field in error. */
    public static int parameterErrorLocation(final int byteOffset, final int bit)
    {
        return (byteOffset & 0xFF) | ((bit & 0x7) << 8);
    }

    /** Writes a 128-bit SMART counter from a non-negative long (high half zero). */
    public static void putCounter128(final MutableDirectBuffer buffer, final int offset, final long value)
    {
        buffer.putLong(offset, value, ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(offset + 8, 0, ByteOrder.LITTLE_ENDIAN);
    }

    /** Bytes to SMART data units, rounded up (the spec rounds partial units up). */
    public static long dataUnits(final long bytes)
    {
        return (bytes + SMART_DATA_UNIT_BYTES - 1) / SMART_DATA_UNIT_BYTES;
    }

    /** Writes the firmware slot information log (log 03h): slot 1 active, holding {@code revision}. */
    public static void putFirmwareSlotLog(final MutableDirectBuffer buffer, final String revision)
    {
        buffer.putByte(FIRMWARE_ACTIVE_SLOT_OFFSET, (byte)1);
        buffer.putStringWithoutLengthAscii(FIRMWARE_SLOT1_REVISION_OFFSET, (revision + "        ").substring(0, 8));
    }
}
