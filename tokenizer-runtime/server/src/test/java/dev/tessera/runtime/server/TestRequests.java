package dev.tessera.runtime.server;

import com.google.protobuf.ByteString;

import dev.tessera.api.v1.DType;
import dev.tessera.api.v1.DecodeRequest;
import dev.tessera.api.v1.EncodeRequest;
import dev.tessera.api.v1.EncodeResponse;
import dev.tessera.api.v1.ModelRef;
import dev.tessera.api.v1.RawTensor;
import dev.tessera.api.v1.TokenGrid;

import java.util.Random;

/** Request builders for the 8×8 toy models of the server tests. */
final class TestRequests {

    private TestRequests() {}

    static ModelRef model(String name, String version) {
        return ModelRef.newBuilder().setName(name).setVersion(version).build();
    }

    /** Encode of {@code n} grayscale 8×8 images. */
    static EncodeRequest encode(ModelRef model, byte[] pixels, int n) {
        return EncodeRequest.newBuilder()
                .setModel(model)
                .setPixels(
                        RawTensor.newBuilder()
                                .setDtype(DType.DTYPE_UINT8)
                                .addShape(n)
                                .addShape(1)
                                .addShape(8)
                                .addShape(8)
                                .setData(ByteString.copyFrom(pixels)))
                .build();
    }

    static DecodeRequest decode(ModelRef model, int[] ids, long... shape) {
        TokenGrid.Builder grid = TokenGrid.newBuilder();
        for (long d : shape) {
            grid.addShape(d);
        }
        for (int id : ids) {
            grid.addIds(id);
        }
        return DecodeRequest.newBuilder().setModel(model).setTokens(grid).build();
    }

    static int[] ids(EncodeResponse r) {
        return r.getTokens().getIdsList().stream().mapToInt(Integer::intValue).toArray();
    }

    /** {@code n} random grayscale 8×8 images. */
    static byte[] randomImages(Random random, int n) {
        byte[] pixels = new byte[n * 64];
        random.nextBytes(pixels);
        return pixels;
    }
}
