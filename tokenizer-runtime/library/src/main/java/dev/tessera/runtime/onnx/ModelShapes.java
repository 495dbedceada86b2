package dev.tessera.runtime.onnx;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.format.ImageSizeRule;
import dev.tessera.runtime.InvalidInputException;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The tensor shapes a tokenizer takes and gives, from its manifest: images {@code [N, C, H, W]} of
 * the sizes its {@link ImageSizeRule} takes, and token grids {@code [N, H/f, W/f]}, where f is the
 * downsampling factor (training size over training grid). A model whose manifest has no {@code
 * size_multiple} takes exactly its training size and grid.
 *
 * <p>The library and the server's two APIs check requests here, so every refusal reads the same:
 * the field, then the expected shape, then the shape given.
 *
 * @param channels C
 * @param sizes the image sizes taken
 * @param gridHeight the grid height at the training size
 * @param gridWidth the grid width at the training size
 */
public record ModelShapes(int channels, ImageSizeRule sizes, int gridHeight, int gridWidth) {

    /** The shapes a (schema-checked) manifest describes. */
    public static ModelShapes of(TokenizerManifest m) {
        return new ModelShapes(
                m.getInput().getChannels(),
                new ImageSizeRule(
                        m.getInput().getHeight(),
                        m.getInput().getWidth(),
                        m.getInput().getSizeMultiple()),
                m.getGrid().getHeight(),
                m.getGrid().getWidth());
    }

    /** Image rows per grid row, f. */
    int factorHeight() {
        return sizes.height() / gridHeight;
    }

    /** Image columns per grid column, f. */
    int factorWidth() {
        return sizes.width() / gridWidth;
    }

    /**
     * The shape of the tokens of images of {@code imageShape}.
     *
     * @param field names the shape in a refusal, e.g. {@code pixels.shape}
     * @return {@code [N, H/f, W/f]}
     * @throws InvalidInputException naming {@code field} unless the shape is {@code [N, C, H, W]}
     *     with N ≥ 1, the model's C, and a size the model takes
     */
    public long[] tokensFor(String field, long[] imageShape) {
        boolean ok =
                imageShape.length == 4
                        && imageShape[0] >= 1
                        && imageShape[1] == channels
                        && sizes.accepts(imageShape[2], imageShape[3]);
        if (!ok) {
            throw new InvalidInputException(
                    field,
                    field
                            + ": expected "
                            + sizes.shapeWith(channels)
                            + ", got "
                            + format(imageShape));
        }
        return new long[] {
            imageShape[0], imageShape[2] / factorHeight(), imageShape[3] / factorWidth()
        };
    }

    /**
     * The shape of the images token grids of {@code gridShape} decode to.
     *
     * @param field names the shape in a refusal, e.g. {@code tokens.shape}
     * @return {@code [N, C, h·f, w·f]}
     * @throws InvalidInputException naming {@code field} unless the shape is {@code [N, h, w]} with
     *     N ≥ 1 and a grid the model takes: its training grid, or any when sizes are dynamic
     */
    public long[] imageFor(String field, long[] gridShape) {
        boolean ok = gridShape.length == 3 && gridShape[0] >= 1;
        if (ok && sizes.fixed()) {
            ok = gridShape[1] == gridHeight && gridShape[2] == gridWidth;
        } else if (ok) {
            ok =
                    sizes.accepts(
                            gridShape[1] * (long) factorHeight(),
                            gridShape[2] * (long) factorWidth());
        }
        if (!ok) {
            throw new InvalidInputException(
                    field, field + ": expected " + gridShapeText() + ", got " + format(gridShape));
        }
        return new long[] {
            gridShape[0], channels, gridShape[1] * factorHeight(), gridShape[2] * factorWidth()
        };
    }

    /**
     * The grid shape taken, for messages: {@code [N,8,8] with N ≥ 1}, or {@code [N,h,w] with N, h,
     * w ≥ 1}.
     */
    private String gridShapeText() {
        return sizes.fixed()
                ? "[N," + gridHeight + "," + gridWidth + "] with N ≥ 1"
                : "[N,h,w] with N, h, w ≥ 1";
    }

    /**
     * How many training-size images a batch of this shape is worth, rounded up: N for images of
     * the training size. Batch limits count in these units, so a request of large images costs
     * the server what as many small ones would. Saturates instead of overflowing.
     */
    public long units(long count, long height, long width) {
        long area = (long) sizes.height() * sizes.width();
        long pixels = saturatingProduct(saturatingProduct(count, height), width);
        return pixels == Long.MAX_VALUE ? pixels : (pixels + area - 1) / area;
    }

    /** {@link #units} of a batch of token grids: their images' worth. */
    public long gridUnits(long count, long height, long width) {
        return units(
                count,
                saturatingProduct(height, factorHeight()),
                saturatingProduct(width, factorWidth()));
    }

    private static long saturatingProduct(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** A shape as {@code [2,1,8,8]}. */
    public static String format(long[] shape) {
        return Arrays.stream(shape)
                .mapToObj(Long::toString)
                .collect(Collectors.joining(",", "[", "]"));
    }
}
