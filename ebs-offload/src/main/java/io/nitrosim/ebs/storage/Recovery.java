package io.nitrosim.ebs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * Start-up recovery: applies the journal records past the checkpoint to the block store. A record is applied only
 * whole and only if its CRC matches (a damaged record is counted as rejected and skipped, never applied in part);
 * an operation that no longer fits the volume (it was refused when first tried) is skipped; a create whose file
 * cannot be made is rejected rather than fatal, so the server still starts.
 */
final class Recovery implements Journal.ReplayHandler
{
    private final BlockStore blocks;
    private long lastSequence;
    private long replayedRecords;
    private long rejectedRecords;

    Recovery(final BlockStore blocks, final long checkpointSequence)
    {
        this.blocks = blocks;
        this.lastSequence = checkpointSequence;
    }

    @Override
    public void onRecord(final long index, final JournalRecord record, final ByteBuffer data, final boolean complete)
        throws IOException
    {
        if (!complete || !record.verify(data))
        {
            rejectedRecords++;
            return;
        }
        lastSequence = Math.max(lastSequence, record.sequence());
        replayedRecords++;
        final int volHigh = record.volHigh();
        final long volLow = record.volLow();
        final long offset = record.offset();
        final long length = record.length();
        switch (record.type())
        {
            case StorageOp.CREATE:
                if (blocks.find(volHigh, volLow) == null && StorageEngine.validVolumeSize(offset)
                    && volHigh >= 0 && volHigh <= 15)
                {
                    create(VolumeId.of(volHigh, volLow), offset);
                }
                break;
            case StorageOp.WRITE:
            {
                final BlockStore.Volume volume = blocks.find(volHigh, volLow);
                if (volume != null && offset >= 0 && offset <= volume.sizeBytes - length)
                {
                    blocks.write(volume, offset, data);
                }
                break;
            }
            case StorageOp.TRIM:
            {
                final BlockStore.Volume volume = blocks.find(volHigh, volLow);
                if (volume != null && offset >= 0 && length >= 0 && offset <= volume.sizeBytes - length)
                {
                    blocks.zero(volume, offset, length);
                }
                break;
            }
            default:
                rejectedRecords++;
                break;
        }
    }

    private void create(final VolumeId id, final long sizeBytes)
    {
        try
        {
            blocks.commit(blocks.prepare(id, sizeBytes));
        }
        catch (final IOException | RuntimeException ex)
        {
            replayedRecords--;
            rejectedRecords++;
        }
    }

    long lastSequence()
    {
        return lastSequence;
    }

    long replayedRecords()
    {
        return replayedRecords;
    }

    long rejectedRecords()
    {
        return rejectedRecords;
    }
}
