package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * An image folder too large for memory: {@link #read(int[])} decodes the requested files. With
 * skipping enabled an unreadable file is replaced by the next readable one (wrapping around), so a
 * given index always yields the same image.
 */
final class StreamingImageFolder implements ImageSource {

    private final FolderListing listing;
    private final TargetShape target;
    private final boolean skipBadFiles;

    /** Indices of files found unreadable; read from several threads at once. */
    private final Set<Integer> bad = ConcurrentHashMap.newKeySet();

    StreamingImageFolder(
            FolderListing listing,
            TargetShape target,
            boolean skipBadFiles,
            Collection<Integer> knownBad) {
        this.listing = listing;
        this.target = target;
        this.skipBadFiles = skipBadFiles;
        bad.addAll(knownBad);
    }

    @Override
    public int count() {
        return listing.files().size();
    }

    @Override
    public int channels() {
        return target.channels();
    }

    @Override
    public int height() {
        return target.height();
    }

    @Override
    public int width() {
        return target.width();
    }

    @Override
    public ImageBatch read(int[] indices) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("cannot read an empty list of images");
        }
        for (int index : indices) {
            Objects.checkIndex(index, count());
        }
        int size = target.imageSize();
        byte[] pixels = new byte[Math.multiplyExact(indices.length, size)];
        DataException[] errors = new DataException[indices.length];
        IntStream.range(0, indices.length)
                .parallel()
                .forEach(
                        j -> {
                            try {
                                byte[] image = readImage(indices[j]);
                                System.arraycopy(image, 0, pixels, j * size, size);
                            } catch (DataException e) {
                                errors[j] = e;
                            }
                        });
        // The first failure in request order, so that a run fails the same way every time.
        for (DataException e : errors) {
            if (e != null) {
                throw e;
            }
        }
        return new ImageBatch(indices.length, channels(), height(), width(), pixels);
    }

    private byte[] readImage(int index) {
        int n = count();
        DataException firstError = null;
        for (int step = 0; step < n; step++) {
            int i = (index + step) % n;
            if (bad.contains(i)) {
                continue;
            }
            ImageBatch image;
            try {
                image = FolderListing.read(listing.files().get(i));
            } catch (DataException e) {
                if (!skipBadFiles) {
                    throw e;
                }
                firstError = firstError == null ? e : firstError;
                bad.add(i);
                continue;
            }
            return target.conform(image, listing.files().get(i).toString()).pixels();
        }
        throw ImageFolder.noneReadable(listing, firstError);
    }

    /** The label of the file that {@code read} returns for {@code index}, once it has read it. */
    @Override
    public int label(int index) {
        Objects.checkIndex(index, count());
        int i = index;
        for (int step = 0; step < count() && bad.contains(i); step++) {
            i = (i + 1) % count();
        }
        return listing.label(i);
    }

    @Override
    public long skipped() {
        return bad.size();
    }

    @Override
    public String describe() {
        return "folder " + listing.summary() + " " + target.format() + ", streamed from disk";
    }
}
