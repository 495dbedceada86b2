package dev.tessera.runtime;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenGrid;

/**
 * The library's batches as they travel in {@code tessera.v1} messages: images as uint8 NCHW bytes
 * with their shape, token ids as packed {@code repeated int32} with theirs. The server's responses
 * and the client's requests are both built here, so the two sides cannot drift apart.
 */
public final class WireTensors {

    private WireTensors() {}

    /** The images as a {@code DTYPE_UINT8} tensor of shape [N, C, H, W]. */
    public static RawTensor rawPixels(ImageBatch images) {
        RawTensor.Builder raw =
                RawTensor.newBuilder()
                        .setDtype(DType.DTYPE_UINT8)
                        .setData(ByteString.copyFrom(images.pixels()));
        for (long d : images.shape()) {
            raw.addShape(d);
        }
        return raw.build();
    }

    /** The token ids as a grid of shape [N, h, w]. */
    public static TokenGrid tokenGrid(TokenBatch tokens) {
        TokenGrid.Builder grid = TokenGrid.newBuilder();
        for (long d : tokens.shape()) {
            grid.addShape(d);
        }
        for (int id : tokens.ids()) {
            grid.addIds(id);
        }
        return grid.build();
    }
}
