package dev.tessera.runtime.client;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.EncodedImage;
import dev.tessera.api.v1.EncodedImages;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenGrid;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;

import io.grpc.Status;

import java.util.List;

/**
 * Between the library's value types and the gRPC messages, on the client side. Responses are
 * checked before they become value types, so that a misbehaving server is reported as such rather
 * than as an odd exception deep in the caller.
 */
final class WireMessages {

    private WireMessages() {}

    static ModelRef modelRef(String name, String version) {
        return ModelRef.newBuilder()
                .setName(name == null ? "" : name)
                .setVersion(version == null ? "" : version)
                .build();
    }

    static EncodedImages encodedImages(List<byte[]> files) {
        EncodedImages.Builder encoded = EncodedImages.newBuilder();
        for (byte[] file : files) {
            encoded.addImages(EncodedImage.newBuilder().setData(ByteString.copyFrom(file)));
        }
        return encoded.build();
    }

    /** The response's token grid, which must hold {@code count} grids. */
    static TokenBatch tokens(String method, TokenGrid grid, int count) {
        List<Long> shape = grid.getShapeList();
        if (shape.size() != 3 || shape.get(0) != count) {
            throw malformed(method, "tokens.shape " + shape + " for a request of " + count);
        }
        int[] ids = new int[grid.getIdsCount()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = grid.getIds(i);
        }
        try {
            return new TokenBatch(
                    count, toInt(method, shape.get(1)), toInt(method, shape.get(2)), ids);
        } catch (InvalidInputException e) {
            throw malformed(method, e.getMessage());
        }
    }

    /** The response's uint8 pixels, which must hold {@code count} images. */
    static ImageBatch images(String method, RawTensor pixels, int count) {
        List<Long> shape = pixels.getShapeList();
        if (pixels.getDtype() != DType.DTYPE_UINT8) {
            throw malformed(
                    method, "pixels.dtype " + pixels.getDtype() + " instead of DTYPE_UINT8");
        }
        if (shape.size() != 4 || shape.get(0) != count) {
            throw malformed(method, "pixels.shape " + shape + " for a request of " + count);
        }
        try {
            return new ImageBatch(
                    count,
                    toInt(method, shape.get(1)),
                    toInt(method, shape.get(2)),
                    toInt(method, shape.get(3)),
                    pixels.getData().toByteArray());
        } catch (InvalidInputException e) {
            throw malformed(method, e.getMessage());
        }
    }

    private static int toInt(String method, long dimension) {
        if (dimension < 1 || dimension > Integer.MAX_VALUE) {
            throw malformed(method, "a dimension of " + dimension);
        }
        return (int) dimension;
    }

    private static TokenizerClientException malformed(String method, String what) {
        return new TokenizerClientException(
                method,
                Status.Code.INTERNAL,
                "the server's response is not valid: " + what,
                1,
                null);
    }
}
