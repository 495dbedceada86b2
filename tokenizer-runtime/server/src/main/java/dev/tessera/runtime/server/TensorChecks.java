package dev.tessera.runtime.server;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.ModelShapes;
import dev.tessera.runtime.onnx.Tokenizer;

import java.math.BigInteger;
import java.util.List;

/**
 * The checks a request's tensor must pass before it is batched, shared by the native API ({@link
 * ProtoConversions}) and the Open Inference Protocol ({@link InferenceTensors}): element type,
 * shape against the model (any multiple of its downsampling factor where it takes one), size
 * against the server's batch limit, element count against the shape, token ids against K. Each
 * API passes the names of its own fields, so that every refusal names the field as that API's
 * caller wrote it.
 */
final class TensorChecks {

    private TensorChecks() {}

    /**
     * @throws InvalidInputException naming {@code field} unless {@code actual} equals {@code
     *     expected}
     */
    static void datatype(String field, Object expected, Object actual) {
        if (!expected.equals(actual)) {
            throw new InvalidInputException(
                    field, field + ": expected " + expected + ", got " + actual);
        }
    }

    /**
     * Checks an image shape {@code [N, C, H, W]} against the model and the batch limit.
     *
     * @param field the shape's field, e.g. {@code pixels.shape}
     * @return the shape
     * @throws InvalidInputException naming {@code field} if the model does not take it
     * @throws BatchLimitException if it holds more than {@code maxBatch} training-size images
     */
    static long[] imageShape(String field, List<Long> shape, Tokenizer t, int maxBatch) {
        long[] dims = toArray(shape);
        ModelShapes shapes = t.shapes();
        shapes.tokensFor(field, dims);
        BatchLimitException.check(
                field,
                dims[0],
                shapes.units(dims[0], dims[2], dims[3]),
                maxBatch,
                "images of " + dims[3] + "x" + dims[2],
                "images of " + shapes.sizes().width() + "x" + shapes.sizes().height());
        return dims;
    }

    /**
     * Checks a token grid shape {@code [N, h, w]} against the model and the batch limit.
     *
     * @param field the shape's field, e.g. {@code tokens.shape}
     * @return the shape
     * @throws InvalidInputException naming {@code field} if the model does not take it
     * @throws BatchLimitException if its images would hold more than {@code maxBatch}
     *     training-size images
     */
    static long[] gridShape(String field, List<Long> shape, Tokenizer t, int maxBatch) {
        long[] dims = toArray(shape);
        ModelShapes shapes = t.shapes();
        shapes.imageFor(field, dims);
        BatchLimitException.check(
                field,
                dims[0],
                shapes.gridUnits(dims[0], dims[1], dims[2]),
                maxBatch,
                "grids of " + dims[2] + "x" + dims[1],
                "grids of " + shapes.gridWidth() + "x" + shapes.gridHeight());
        return dims;
    }

    /**
     * @param unit what is counted, e.g. {@code bytes}
     * @param perElement how many of {@code unit} one element takes
     * @throws InvalidInputException naming {@code field} unless {@code actual} is what {@code
     *     shape} holds
     */
    static void count(String field, long[] shape, long actual, String unit, int perElement) {
        BigInteger expected = BigInteger.valueOf(perElement);
        for (long d : shape) {
            expected = expected.multiply(BigInteger.valueOf(d));
        }
        if (!expected.equals(BigInteger.valueOf(actual))) {
            throw new InvalidInputException(
                    field,
                    field
                            + ": expected "
                            + expected
                            + " "
                            + unit
                            + " for shape "
                            + ModelShapes.format(shape)
                            + ", got "
                            + actual);
        }
    }

    /**
     * Checks every id to lie in [0, K). Done per request, so that the index in a refusal is the
     * request's own and not a position in a merged batch.
     *
     * @param field the ids' field; a refusal names {@code field[i]}
     * @throws InvalidInputException naming the first id out of range
     */
    static int[] ids(String field, int[] ids, int codebookSize) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= codebookSize) {
                String element = field + "[" + i + "]";
                throw new InvalidInputException(
                        element,
                        element
                                + ": expected a token id in [0,"
                                + codebookSize
                                + "), got "
                                + ids[i]);
            }
        }
        return ids;
    }

    /** The images of a checked shape. */
    static ImageBatch images(long[] shape, byte[] pixels) {
        return new ImageBatch(
                (int) shape[0], (int) shape[1], (int) shape[2], (int) shape[3], pixels);
    }

    /** The token grids of a checked shape. */
    static TokenBatch tokens(long[] shape, int[] ids) {
        return new TokenBatch((int) shape[0], (int) shape[1], (int) shape[2], ids);
    }

    private static long[] toArray(List<Long> shape) {
        return shape.stream().mapToLong(Long::longValue).toArray();
    }
}
