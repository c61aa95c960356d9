package io.nitrosim.ebs.shaping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.nitrosim.ebs.storage.StorageOp;

class IoMergeTest
{
    private static final int KIB = 1024;
    private static final int SSD_UNIT = 256 * KIB;
    private static final int HDD_UNIT = 1024 * KIB;

    @Test
    void shouldMergeContiguousIosOfOneKindUpToTheUnit()
    {
        final IoMerge merge = new IoMerge(SSD_UNIT);
        long ops = 0;
        for (int i = 0; i < 32; i++)
        {
            final long offset = (long)i * 16 * KIB;
            final long asked = merge.opsFor(StorageOp.WRITE, offset, 16 * KIB);
            assertEquals(i % 16 == 0 ? 1 : 0, asked, "write " + i);
            assertEquals(asked, merge.admit(StorageOp.WRITE, offset, 16 * KIB));
            ops += asked;
        }
        assertEquals(2, ops, "512 KiB of contiguous 16 KiB writes is two 256 KiB operations");
    }

    @Test
    void shouldNotChangeStateWhenOnlyAsked()
    {
        final IoMerge merge = new IoMerge(SSD_UNIT);
        merge.admit(StorageOp.READ, 0, 16 * KIB);
        assertEquals(0, merge.opsFor(StorageOp.READ, 16 * KIB, 16 * KIB));
        assertEquals(0, merge.opsFor(StorageOp.READ, 16 * KIB, 16 * KIB));
        assertEquals(16 * KIB, merge.fillBytes());
    }

    @Test
    void shouldCountAnIoAfterAGapAsANewOperation()
    {
        final IoMerge merge = new IoMerge(SSD_UNIT);
        merge.admit(StorageOp.WRITE, 0, 16 * KIB);
        assertEquals(1, merge.opsFor(StorageOp.WRITE, 16 * KIB + 512, 16 * KIB), "gap of 512 B");
        assertEquals(1, merge.opsFor(StorageOp.WRITE, 0, 16 * KIB), "same offset again (backwards)");
        assertEquals(1, merge.admit(StorageOp.WRITE, 1 << 20, 16 * KIB));
        assertEquals(0, merge.opsFor(StorageOp.WRITE, (1 << 20) + 16 * KIB, 16 * KIB), "contiguous with the new one");
    }

    @Test
    void shouldNotMergeAReadWithAWrite()
    {
        final IoMerge merge = new IoMerge(SSD_UNIT);
        merge.admit(StorageOp.WRITE, 0, 16 * KIB);
        assertEquals(1, merge.opsFor(StorageOp.READ, 16 * KIB, 16 * KIB));
        assertEquals(1, merge.admit(StorageOp.READ, 16 * KIB, 16 * KIB));
        assertEquals(1, merge.opsFor(StorageOp.WRITE, 32 * KIB, 16 * KIB), "the write run ended with the read");
    }

    @Test
    void shouldStartANewOperationAtTheUnitBoundary()
    {
        final IoMerge merge = new IoMerge(SSD_UNIT);
        merge.admit(StorageOp.WRITE, 0, 240 * KIB);
        assertEquals(0, merge.opsFor(StorageOp.WRITE, 240 * KIB, 16 * KIB), "fills the unit exactly");
        assertEquals(1, merge.opsFor(StorageOp.WRITE, 240 * KIB, 32 * KIB), "would overflow the unit");
        merge.admit(StorageOp.WRITE, 240 * KIB, 16 * KIB);
        assertEquals(SSD_UNIT, merge.fillBytes());
        assertEquals(1, merge.opsFor(StorageOp.WRITE, SSD_UNIT, 4 * KIB), "the unit is full");
    }

    @Test
    void shouldCountALargeIoByUnitsAndKeepItsLastUnitOpen()
    {
        final IoMerge ssd = new IoMerge(SSD_UNIT);
        assertEquals(4, ssd.admit(StorageOp.READ, 0, HDD_UNIT), "1 MiB on an SSD volume");
        assertEquals(1, ssd.opsFor(StorageOp.READ, HDD_UNIT, 4 * KIB), "its last unit is full");
        assertEquals(2, ssd.admit(StorageOp.READ, 4L * HDD_UNIT, 300 * KIB));
        assertEquals(300 * KIB - SSD_UNIT, ssd.fillBytes());
        assertEquals(0, ssd.opsFor(StorageOp.READ, 4L * HDD_UNIT + 300 * KIB, 16 * KIB), "room in its last unit");

        final IoMerge hdd = new IoMerge(HDD_UNIT);
        long ops = 0;
        for (int i = 0; i < 8; i++)
        {
            ops += hdd.admit(StorageOp.READ, (long)i * SSD_UNIT, SSD_UNIT);
        }
        assertEquals(2, ops, "eight contiguous 256 KiB reads on st1 are two 1 MiB operations");
    }

    @Test
    void shouldStartOverAfterAReset()
    {
        final IoMerge merge = new IoMerge(SSD_UNIT);
        merge.admit(StorageOp.WRITE, 0, 16 * KIB);
        merge.reset();
        assertEquals(0, merge.fillBytes());
        assertEquals(1, merge.opsFor(StorageOp.WRITE, 16 * KIB, 16 * KIB));
    }

    @Test
    void shouldRefuseANonPositiveUnit()
    {
        assertEquals("I/O unit 0 B must be > 0",
            assertThrows(IllegalArgumentException.class, () -> new IoMerge(0)).getMessage());
    }
}
