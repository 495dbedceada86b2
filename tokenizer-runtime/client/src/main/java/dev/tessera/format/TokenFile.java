package dev.tessera.format;

import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Token grids on disk, as {@code tessera encode} writes them and {@code tessera decode} reads them.
 * The format follows the file name:
 *
 * <ul>
 *   <li>{@code .npy}: a NumPy array ({@link NpyArray}), little-endian int64 (what PyTorch indexes
 *       with; {@link IdType#INT32} on request), shape {@code (N, h, w)}; only the ids are stored.
 *       Read back are int8/uint8/int16/uint16/int32/uint32/
 *       int64/uint64 arrays (NumPy's default integer is int64) whose values fit an int32, and 2-D
 *       {@code (h, w)} arrays as one grid.
 *   <li>{@code .json}: an object with {@code "shape": [N, h, w]} and the ids flat in row-major
 *       order, {@code "ids": [...]}, plus what is known of their origin: {@code "model"}, {@code
 *       "version"}, {@code "codebook_size"} (K) and {@code "images"} (the file name of each image,
 *       in order). Other keys are refused.
 * </ul>
 *
 * @param tokens the token grids
 * @param model name of the model that produced them; null when unknown
 * @param version version of that model; null when unknown
 * @param codebookSize K of that model; 0 when unknown
 * @param images file name of the image behind each grid, in order; empty when unknown
 */
public record TokenFile(
        TokenBatch tokens, String model, String version, int codebookSize, List<String> images) {

    /** Validates that the image names, when given, match the grids one to one. */
    public TokenFile {
        Objects.requireNonNull(tokens, "tokens");
        images = List.copyOf(images);
        if (!images.isEmpty() && images.size() != tokens.count()) {
            throw new IllegalArgumentException(
                    "images: expected one name per grid ("
                            + tokens.count()
                            + "), got "
                            + images.size());
        }
        if (codebookSize < 0) {
            throw new IllegalArgumentException("codebookSize: expected ≥ 0, got " + codebookSize);
        }
    }

    /** Ids only, origin unknown (what a {@code .npy} file holds). */
    public static TokenFile of(TokenBatch tokens) {
        return new TokenFile(tokens, null, null, 0, List.of());
    }

    /** The element type of the ids in a {@code .npy} file. */
    public enum IdType {
        /** {@code <i4}: half the size; what Tessera wrote before int64 became the default. */
        INT32,
        /** {@code <i8}: NumPy's default integer, and what PyTorch's embedding lookups index with. */
        INT64
    }

    /** The two formats, chosen by the file name's extension. */
    public enum Format {
        /** NumPy {@code .npy}, int64 (or int32) [N, h, w]. */
        NPY,
        /** JSON with shape, ids and origin. */
        JSON;

        /**
         * The format of {@code file}, by its extension ({@code .npy} or {@code .json}, any case).
         *
         * @throws IllegalArgumentException for any other name
         */
        public static Format of(Path file) {
            Path name = file.getFileName();
            String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".npy")) {
                return NPY;
            }
            if (lower.endsWith(".json")) {
                return JSON;
            }
            throw new IllegalArgumentException(
                    file + ": expected a token file name ending in .npy or .json");
        }
    }

    /**
     * Reads a token file in the format its name says.
     *
     * @throws IOException naming the file if it cannot be read or is not a valid token file
     */
    public static TokenFile read(Path file) throws IOException {
        Format format = Format.of(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such file", e);
        }
        try {
            return switch (format) {
                case NPY -> of(tokens(NpyArray.parse(bytes, NpyHeader::requireIntegers)));
                case JSON -> TokenJson.parse(new String(bytes, StandardCharsets.UTF_8));
            };
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The grids of an integer array of shape (N, h, w), or (h, w) for one grid. */
    private static TokenBatch tokens(NpyArray array) {
        long[] values = array.longs();
        long[] dims = array.header().shape();
        if (dims.length == 2) {
            dims = new long[] {1, dims[0], dims[1]};
        }
        if (dims.length != 3 || dims[0] < 1 || dims[1] < 1 || dims[2] < 1) {
            throw new IllegalArgumentException(
                    "shape: expected (N, h, w) or (h, w) with every dimension ≥ 1, got "
                            + array.header().shapeText());
        }
        if (values.length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "shape: " + array.header().shapeText() + " holds more ids than fit one array");
        }
        int[] ids = new int[values.length];
        for (int i = 0; i < ids.length; i++) {
            if (values[i] < Integer.MIN_VALUE || values[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "ids[" + i + "]: " + values[i] + " does not fit an int32 token id");
            }
            ids[i] = (int) values[i];
        }
        try {
            return new TokenBatch((int) dims[0], (int) dims[1], (int) dims[2], ids);
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Writes this file in the format {@code file}'s name says, a {@code .npy} with int64 ids, as
     * {@link #write(Path, IdType)}.
     */
    public void write(Path file) throws IOException {
        write(file, IdType.INT64);
    }

    /**
     * Writes this file in the format {@code file}'s name says, atomically: readers see the old file
     * or the whole new one, never half of it.
     *
     * @param ids element type of a {@code .npy} file's ids (JSON has no element type)
     */
    public void write(Path file, IdType ids) throws IOException {
        byte[] bytes =
                switch (Format.of(file)) {
                    case NPY -> npy(ids).toBytes();
                    case JSON -> TokenJson.print(this).getBytes(StandardCharsets.UTF_8);
                };
        writeAtomically(file, bytes);
    }

    private NpyArray npy(IdType type) {
        long[] shape = tokens.shape();
        return type == IdType.INT32
                ? NpyArray.int32(tokens.ids(), shape)
                : NpyArray.int64(tokens.ids(), shape);
    }

    /** Writes {@code bytes} through a hidden sibling renamed into place. */
    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Path absolute = file.toAbsolutePath();
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + ".tmp");
        Files.write(temp, bytes);
        try {
            Files.move(
                    temp,
                    absolute,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
