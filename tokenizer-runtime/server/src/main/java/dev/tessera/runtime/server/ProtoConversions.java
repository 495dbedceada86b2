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
import dev.tessera.format.ImageSizeRule;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * Between the native API's messages and the library's value types, with the request checks that
 * need the model ({@link TensorChecks}): every refusal names the request field and the expected
 * value.
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
     * The PNG and JPEG files of a request as a batch of a size the model takes, read as {@code
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
        ImageSizeRule sizes = t.shapes().sizes();
        long maxPixels = (long) maxBatch * sizes.height() * sizes.width();
        try {
            return ImageCodec.readForModel(bytes, t.channels(), sizes, maxPixels);
        } catch (ImageFileException e) {
            String field = "encoded.images[" + e.index() + "]";
            int length = bytes.get(e.index()).length;
            throw switch (e.reason()) {
                case NOT_AN_IMAGE -> undecodable(field, length, null);
                case UNREADABLE -> undecodable(field, length, e.getCause());
                case UNSUPPORTED_FORMAT ->
                        new InvalidInputException(
                                field, field + ": expected a PNG or JPEG image, got " + e.format());
                case WRONG_SIZE -> new InvalidInputException(field, field + ": " + e.getMessage());
                case TOO_LARGE ->
                        new BatchLimitException(
                                field
                                        + ": "
                                        + e.getMessage()
                                        + " (--max-batch "
                                        + maxBatch
                                        + " images of "
                                        + sizes.width()
                                        + "x"
                                        + sizes.height()
                                        + "); send fewer or smaller images");
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
        TensorChecks.datatype("pixels.dtype", DType.DTYPE_UINT8, pixels.getDtype());
        long[] shape = TensorChecks.imageShape("pixels.shape", pixels.getShapeList(), t, maxBatch);
        TensorChecks.count("pixels.data", shape, pixels.getData().size(), "bytes", 1);
        return TensorChecks.images(shape, pixels.getData().toByteArray());
    }

    /** The request's token grid as a batch the model takes, every id checked to lie in [0, K). */
    static TokenBatch tokens(TokenGrid grid, Tokenizer t, int maxBatch) {
        long[] shape = TensorChecks.gridShape("tokens.shape", grid.getShapeList(), t, maxBatch);
        TensorChecks.count("tokens.ids", shape, grid.getIdsCount(), "ids", 1);
        int[] ids = grid.getIdsList().stream().mapToInt(Integer::intValue).toArray();
        return TensorChecks.tokens(shape, TensorChecks.ids("tokens.ids", ids, t.codebookSize()));
    }
}
