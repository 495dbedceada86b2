package dev.tessera.runtime.server;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodedImage;
import dev.tessera.api.v1.EncodedImages;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenGrid;
import dev.tessera.format.ImageCodec;
import dev.tessera.format.ImageFileException;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Between the gRPC messages and the library's value types, with the request checks that need the
 * model: every refusal names the request field and the expected value.
 */
final class ProtoConversions {

    private ProtoConversions() {}

    static ModelRef modelRef(Tokenizer t) {
        return ModelRef.newBuilder().setName(t.name()).setVersion(t.version()).build();
    }

    /** The request's images as a batch of the model's shape. */
    static ImageBatch images(EncodeRequest request, Tokenizer t, int maxBatch) {
        return switch (request.getImagesCase()) {
            case PIXELS -> rawImages(request.getPixels(), t, maxBatch);
            case ENCODED -> encodedImages(request.getEncoded(), t, maxBatch);
            case IMAGES_NOT_SET ->
                    throw new InvalidInputException(
                            "images",
                            "images: expected pixels (raw uint8 NCHW) or encoded (PNG/JPEG files),"
                                    + " got neither");
        };
    }

    /**
     * The PNG and JPEG files of a request as a batch of the model's exact size, read as {@code
     * tessera encode} reads them; every refusal names the request field ({@code encoded.images[i]})
     * and what was expected.
     */
    private static ImageBatch encodedImages(EncodedImages files, Tokenizer t, int maxBatch) {
        int n = files.getImagesCount();
        if (n == 0) {
            throw new InvalidInputException(
                    "encoded.images", "encoded.images: expected at least one image, got none");
        }
        if (t.channels() != 1 && t.channels() != 3) {
            throw new InvalidInputException(
                    "encoded",
                    "encoded: expected raw pixels for this model's "
                            + t.channels()
                            + "-channel input; PNG/JPEG input needs 1 or 3 channels");
        }
        BatchLimitException.check("encoded.images", n, maxBatch);
        List<byte[]> bytes = new ArrayList<>(n);
        for (EncodedImage image : files.getImagesList()) {
            bytes.add(image.getData().toByteArray());
        }
        try {
            return ImageCodec.readForModel(bytes, t.channels(), t.imageHeight(), t.imageWidth());
        } catch (ImageFileException e) {
            String field = "encoded.images[" + e.index() + "]";
            int length = bytes.get(e.index()).length;
            throw switch (e.reason()) {
                case NOT_AN_IMAGE -> undecodable(field, length, null);
                case UNREADABLE -> undecodable(field, length, e.getCause());
                case UNSUPPORTED_FORMAT ->
                        new InvalidInputException(
                                field, field + ": expected a PNG or JPEG image, got " + e.format());
                case WRONG_SIZE ->
                        new InvalidInputException(
                                field,
                                field
                                        + ": expected "
                                        + t.imageWidth()
                                        + "x"
                                        + t.imageHeight()
                                        + " pixels (width x height), got "
                                        + e.width()
                                        + "x"
                                        + e.height());
            };
        }
    }

    private static InvalidInputException undecodable(String field, int length, Throwable cause) {
        String why =
                cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")";
        return new InvalidInputException(
                field,
                field
                        + ": expected a PNG or JPEG image, got "
                        + length
                        + " bytes that do not decode as one"
                        + why);
    }

    private static ImageBatch rawImages(RawTensor pixels, Tokenizer t, int maxBatch) {
        if (pixels.getDtype() != DType.DTYPE_UINT8) {
            throw new InvalidInputException(
                    "pixels.dtype", "pixels.dtype: expected DTYPE_UINT8, got " + pixels.getDtype());
        }
        List<Long> shape = pixels.getShapeList();
        long[] expected = {-1, t.channels(), t.imageHeight(), t.imageWidth()};
        if (!matches(shape, expected)) {
            throw new InvalidInputException(
                    "pixels.shape",
                    "pixels.shape: expected "
                            + t.imageShape()
                            + " with N ≥ 1, got "
                            + format(shape));
        }
        long n = shape.get(0);
        BatchLimitException.check("pixels.shape[0]", n, maxBatch);
        checkByteCount("pixels.data", shape, pixels.getData().size(), "bytes");
        return new ImageBatch(
                (int) n,
                t.channels(),
                t.imageHeight(),
                t.imageWidth(),
                pixels.getData().toByteArray());
    }

    /**
     * The request's token grid as a batch of the model's grid shape, every id checked to lie in [0,
     * K). The check happens here, per request, so that the index in the message is the request's
     * own and not its position in a merged batch.
     */
    static TokenBatch tokens(TokenGrid grid, Tokenizer t, int maxBatch) {
        List<Long> shape = grid.getShapeList();
        if (!matches(shape, new long[] {-1, t.gridHeight(), t.gridWidth()})) {
            throw new InvalidInputException(
                    "tokens.shape",
                    "tokens.shape: expected [N,"
                            + t.gridHeight()
                            + ","
                            + t.gridWidth()
                            + "] with N ≥ 1, got "
                            + format(shape));
        }
        long n = shape.get(0);
        BatchLimitException.check("tokens.shape[0]", n, maxBatch);
        checkByteCount("tokens.ids", shape, grid.getIdsCount(), "ids");
        int[] ids = new int[grid.getIdsCount()];
        int k = t.codebookSize();
        for (int i = 0; i < ids.length; i++) {
            int id = grid.getIds(i);
            if (id < 0 || id >= k) {
                throw new InvalidInputException(
                        "tokens.ids[" + i + "]",
                        "tokens.ids[" + i + "]: expected a token id in [0," + k + "), got " + id);
            }
            ids[i] = id;
        }
        return new TokenBatch((int) n, t.gridHeight(), t.gridWidth(), ids);
    }

    /** True if the shape has the expected rank and sizes; -1 stands for the batch axis, N ≥ 1. */
    private static boolean matches(List<Long> shape, long[] expected) {
        if (shape.size() != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            long d = shape.get(i);
            if (expected[i] < 0 ? d < 1 : d != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static void checkByteCount(String field, List<Long> shape, int actual, String unit) {
        BigInteger expected = BigInteger.ONE;
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
                            + format(shape)
                            + ", got "
                            + actual);
        }
    }

    static String format(List<Long> shape) {
        return shape.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }
}
