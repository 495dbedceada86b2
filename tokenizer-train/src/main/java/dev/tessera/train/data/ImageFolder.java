package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Opens the images of a {@link FolderListing} as a source: decoded into memory when they fit under
 * the configured limit, else as a {@link StreamingImageFolder} that decodes on demand.
 */
final class ImageFolder {

    /** Java arrays hold at most about this many bytes. */
    private static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

    private ImageFolder() {}

    /**
     * The images of {@code listing}, brought to {@code target}; a target with zero fields takes
     * them from the first readable image.
     */
    static ImageSource open(FolderListing listing, TargetShape target, DataOptions options) {
        if (listing.files().isEmpty()) {
            throw new DataException("no PNG, JPEG, BMP or GIF images found in " + listing.root());
        }
        Set<Integer> badBeforeFirst = new HashSet<>();
        TargetShape resolved = target;
        if (target.channels() == 0 || target.height() == 0) {
            ImageBatch first = firstReadable(listing, options.skipBadFiles(), badBeforeFirst);
            resolved = target.resolve(first.channels(), first.height(), first.width());
        }
        long bytes = (long) listing.files().size() * resolved.imageSize();
        if (bytes > options.inMemoryLimitBytes() || bytes > MAX_ARRAY_BYTES) {
            return new StreamingImageFolder(
                    listing, resolved, options.skipBadFiles(), badBeforeFirst);
        }
        return load(listing, resolved, options.skipBadFiles());
    }

    private static ImageBatch firstReadable(
            FolderListing listing, boolean skipBadFiles, Set<Integer> bad) {
        DataException firstError = null;
        for (int i = 0; i < listing.files().size(); i++) {
            try {
                return FolderListing.read(listing.files().get(i));
            } catch (DataException e) {
                if (!skipBadFiles) {
                    throw e;
                }
                firstError = firstError == null ? e : firstError;
                bad.add(i);
            }
        }
        throw noneReadable(listing, firstError);
    }

    /** {@code firstError}: the first unreadable file's error, or null when none was seen. */
    static DataException noneReadable(FolderListing listing, DataException firstError) {
        String message =
                "none of the "
                        + listing.files().size()
                        + " images in "
                        + listing.root()
                        + " could be read";
        return firstError == null
                ? new DataException(message)
                : new DataException(
                        message + "; the first error: " + firstError.getMessage(), firstError);
    }

    /** Decodes every file in parallel into its slot, then closes the gaps of skipped files. */
    private static ImageSource load(FolderListing listing, TargetShape target, boolean skip) {
        int n = listing.files().size();
        int size = target.imageSize();
        byte[] pixels = new byte[n * size];
        DataException[] unreadable = new DataException[n];
        DataException[] unfit = new DataException[n];
        IntStream.range(0, n)
                .parallel()
                .forEach(i -> decodeInto(listing, i, target, pixels, unreadable, unfit));
        // Report the first failure in file order, so that a run fails the same way every time.
        for (DataException e : unfit) {
            if (e != null) {
                throw e;
            }
        }
        int[] labels = new int[n];
        int kept = 0;
        DataException firstError = null;
        for (int i = 0; i < n; i++) {
            if (unreadable[i] != null) {
                if (!skip) {
                    throw unreadable[i];
                }
                firstError = firstError == null ? unreadable[i] : firstError;
                continue;
            }
            System.arraycopy(pixels, i * size, pixels, kept * size, size);
            labels[kept++] = listing.label(i);
        }
        if (kept == 0) {
            throw noneReadable(listing, firstError);
        }
        ImageBatch images =
                new ImageBatch(
                        kept,
                        target.channels(),
                        target.height(),
                        target.width(),
                        kept == n ? pixels : Arrays.copyOf(pixels, kept * size));
        String description = "folder " + listing.summary() + " " + target.format() + ", in memory";
        return new InMemoryImages(
                images,
                listing.labels() == null ? null : Arrays.copyOf(labels, kept),
                description,
                n - kept);
    }

    private static void decodeInto(
            FolderListing listing,
            int i,
            TargetShape target,
            byte[] pixels,
            DataException[] unreadable,
            DataException[] unfit) {
        ImageBatch image;
        try {
            image = FolderListing.read(listing.files().get(i));
        } catch (DataException e) {
            unreadable[i] = e;
            return;
        }
        try {
            byte[] conformed = target.conform(image, listing.files().get(i).toString()).pixels();
            System.arraycopy(conformed, 0, pixels, i * conformed.length, conformed.length);
        } catch (DataException e) {
            unfit[i] = e;
        }
    }
}
