package io.nitrosim.ebs.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class JournalRecordTest
{
    @Test
    void shouldLayOutTheHeaderAsDocumented()
    {
        final ByteBuffer data = ByteBuffer.allocateDirect(9);
        data.put("123456789".getBytes(StandardCharsets.US_ASCII)).flip();
        final JournalRecord record = new JournalRecord().set(StorageOp.WRITE, 0xA, 0x0123456789ABCDEFL, 7,
            0x1000, 9, data);
        final byte[] header = new byte[JournalRecord.HEADER_LENGTH];
        record.header().get(header);
        final String hex = HexFormat.of().formatHex(header);
        assertEquals("03000000" + "0a000000" + "efcdab8967452301" + "0700000000000000" + "0010000000000000"
            + "0900000000000000", hex.substring(0, 80));
        assertEquals("00000000", hex.substring(88, 96), "reserved");
        assertEquals(0, data.position(), "data position kept");
        assertEquals(9, record.dataLength());
    }

    @Test
    void shouldChecksumHeaderAndDataWithCrc32c()
    {
        // CRC32C of the 40 header bytes followed by "123456789", computed by the JDK's CRC32C separately.
        final ByteBuffer data = ByteBuffer.wrap("123456789".getBytes(StandardCharsets.US_ASCII));
        final JournalRecord record = new JournalRecord().set(StorageOp.TRIM, 1, 2, 3, 4, 5, null);
        final byte[] header = new byte[JournalRecord.HEADER_LENGTH];
        record.set(StorageOp.WRITE, 1, 2, 3, 4, 9, data).header().get(header);
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(header, 0, JournalRecord.CRC_OFFSET);
        crc.update("123456789".getBytes(StandardCharsets.US_ASCII));
        assertEquals((int)crc.getValue(), ByteBuffer.wrap(header).order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .getInt(JournalRecord.CRC_OFFSET));
        assertTrue(record.verify(data));
        final ByteBuffer damaged = ByteBuffer.wrap("123456788".getBytes(StandardCharsets.US_ASCII));
        assertFalse(record.verify(damaged));
        assertArrayEquals(new byte[] {'1'}, new byte[] {data.get(0)});
    }
}
