package io.nitrosim.ebs.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

import io.nitrosim.ebs.volume.VolumeId;

/**
 * The volumes' blocks: one sparse {@link BlockFile} per volume in one directory ({@code <volume id>.blk}), with at
 * most {@code maxOpenFiles} of them open at a time (least recently used closed first), so the number of volumes is
 * not limited by the process's open-file limit.
 * <p>
 * <b>Durability.</b> A file written since it was last forced is dirty; {@link #forceAll()} forces the dirty open
 * files, and a dirty file is forced before the LRU closes it, so after {@code forceAll} every write so far is on
 * disk (the engine's checkpoint relies on it).
 * <p>
 * <b>Create.</b> In three steps so that a failed create leaves nothing behind: {@link #prepare} makes
 * {@code <id>.blk.tmp} of the full size, the engine journals the create, {@link #commit} renames the file into
 * place. A crash before the rename leaves a {@code .tmp} file, deleted at the next load (the create was never
 * acknowledged, or its journal record recreates the volume at replay).
 * <p>
 * Not thread-safe: the engine serialises.
 */
final class BlockStore implements AutoCloseable
{
    static final String SUFFIX = ".blk";
    static final String TEMP_SUFFIX = ".blk.tmp";

    /** One volume: id, size, and its file while open (an intrusive LRU list links the open ones). */
    static final class Volume
    {
        final VolumeId id;
        final long sizeBytes;
        final Path path;
        BlockFile file;
        boolean dirty;
        Volume newer;
        Volume older;

        Volume(final VolumeId id, final long sizeBytes, final Path path)
        {
            this.id = id;
            this.sizeBytes = sizeBytes;
            this.path = path;
        }
    }

    private final Path dir;
    private final int maxOpenFiles;
    private final List<Volume> volumes = new ArrayList<>();
    private final ByteBuffer zeroScratch = ByteBuffer.allocateDirect(BlockFile.ZERO_CHUNK);
    private Volume newest;
    private Volume oldest;
    private int openFiles;
    private long fileOpens;
    private int skippedFiles;

    BlockStore(final Path dir, final int maxOpenFiles) throws IOException
    {
        this.dir = dir;
        this.maxOpenFiles = maxOpenFiles;
        Files.createDirectories(dir);
        load();
    }

    /**
     * Lists the volumes on disk without opening them: deletes leftover {@code .tmp} files (creates that never
     * completed) and skips files whose name is not a volume id or whose size is not a positive multiple of the
     * sector (counted in {@link #skippedFiles()}).
     */
    private void load() throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir))
        {
            stream.forEach(files::add);
        }
        files.sort(null); // deterministic order
        for (final Path file : files)
        {
            final String name = file.getFileName().toString();
            if (name.endsWith(TEMP_SUFFIX))
            {
                Files.deleteIfExists(file);
                continue;
            }
            if (!name.endsWith(SUFFIX))
            {
                continue;
            }
            final String id = name.substring(0, name.length() - SUFFIX.length());
            final long size = Files.size(file);
            if (!VolumeId.isValid(id) || size < StorageEngine.SECTOR_BYTES || size % StorageEngine.SECTOR_BYTES != 0)
            {
                skippedFiles++;
                continue;
            }
            volumes.add(new Volume(VolumeId.parse(id), size, file));
        }
    }

    int count()
    {
        return volumes.size();
    }

    Volume find(final int volHigh, final long volLow)
    {
        for (int i = 0, n = volumes.size(); i < n; i++)
        {
            final Volume v = volumes.get(i);
            if (v.id.matches(volHigh, volLow))
            {
                return v;
            }
        }
        return null;
    }

    List<VolumeId> ids()
    {
        final List<VolumeId> ids = new ArrayList<>(volumes.size());
        for (final Volume v : volumes)
        {
            ids.add(v.id);
        }
        return ids;
    }

    /** Step 1 of a create: the full-size temporary file; on failure nothing is left and the exception propagates. */
    Volume prepare(final VolumeId id, final long sizeBytes) throws IOException
    {
        final Path temp = dir.resolve(id + TEMP_SUFFIX);
        try
        {
            BlockFile.create(temp, sizeBytes).close();
        }
        catch (final IOException | RuntimeException ex)
        {
            Files.deleteIfExists(temp);
            throw ex;
        }
        return new Volume(id, sizeBytes, dir.resolve(id + SUFFIX));
    }

    /** Undoes {@link #prepare} (the journal append failed). */
    void discard(final Volume prepared) throws IOException
    {
        Files.deleteIfExists(dir.resolve(prepared.id + TEMP_SUFFIX));
    }

    /** Step 3 of a create: moves the prepared file into place (replacing a file skipped at load) and lists it. */
    void commit(final Volume prepared) throws IOException
    {
        Files.move(dir.resolve(prepared.id + TEMP_SUFFIX), prepared.path,
            StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Checkpoint.forceDirectory(dir);
        int i = 0;
        while (i < volumes.size() && volumes.get(i).id.compareTo(prepared.id) < 0)
        {
            i++;
        }
        volumes.add(i, prepared);
    }

    void read(final Volume volume, final long offset, final ByteBuffer dst) throws IOException
    {
        open(volume).read(offset, dst);
    }

    void write(final Volume volume, final long offset, final ByteBuffer src) throws IOException
    {
        open(volume).write(offset, src);
        volume.dirty = true;
    }

    void zero(final Volume volume, final long offset, final long length) throws IOException
    {
        open(volume).zero(offset, length, zeroScratch);
        volume.dirty = true;
    }

    /** Forces every dirty open file (closed files were forced when the LRU closed them). */
    void forceAll() throws IOException
    {
        for (Volume v = newest; v != null; v = v.older)
        {
            if (v.dirty)
            {
                v.file.force();
                v.dirty = false;
            }
        }
    }

    /** The volume's open file, opening it (and closing the least recently used one if at the limit). */
    private BlockFile open(final Volume volume) throws IOException
    {
        if (volume.file != null)
        {
            if (newest != volume)
            {
                unlink(volume);
                linkNewest(volume);
            }
            return volume.file;
        }
        if (openFiles >= maxOpenFiles)
        {
            closeFile(oldest);
        }
        volume.file = BlockFile.open(volume.path, volume.sizeBytes);
        fileOpens++;
        openFiles++;
        linkNewest(volume);
        return volume.file;
    }

    private void closeFile(final Volume volume) throws IOException
    {
        unlink(volume);
        openFiles--;
        final BlockFile file = volume.file;
        volume.file = null;
        try
        {
            if (volume.dirty)
            {
                file.force();
                volume.dirty = false;
            }
        }
        finally
        {
            file.close();
        }
    }

    private void linkNewest(final Volume volume)
    {
        volume.older = newest;
        volume.newer = null;
        if (newest != null)
        {
            newest.newer = volume;
        }
        newest = volume;
        if (oldest == null)
        {
            oldest = volume;
        }
    }

    private void unlink(final Volume volume)
    {
        if (volume.newer != null)
        {
            volume.newer.older = volume.older;
        }
        else
        {
            newest = volume.older;
        }
        if (volume.older != null)
        {
            volume.older.newer = volume.newer;
        }
        else
        {
            oldest = volume.newer;
        }
        volume.newer = null;
        volume.older = null;
    }

    int openFiles()
    {
        return openFiles;
    }

    /** Files opened so far (each LRU miss opens one). */
    long fileOpens()
    {
        return fileOpens;
    }

    /** Block files found at load that are not volumes (bad name or size) and were left alone. */
    int skippedFiles()
    {
        return skippedFiles;
    }

    /** Closes every open file without forcing (a crash-like close: the journal has what they lack). */
    void closeWithoutForce()
    {
        while (oldest != null)
        {
            final Volume v = oldest;
            unlink(v);
            try
            {
                v.file.close();
            }
            catch (final IOException ignore)
            {
                // closing: nothing more to do
            }
            v.file = null;
        }
        openFiles = 0;
    }

    @Override
    public void close()
    {
        closeWithoutForce();
    }
}
