package dev.tessera.train.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;

import org.junit.jupiter.api.Test;

import java.util.function.Function;

class ReencodeConsistencyTest {

    /** 1×1×1 images whose single pixel is 10·id. */
    private static final Function<TokenBatch, ImageBatch> DECODE =
            t -> {
                byte[] px = new byte[t.count()];
                for (int n = 0; n < t.count(); n++) {
                    px[n] = (byte) (10 * t.ids()[n]);
                }
                return new ImageBatch(t.count(), 1, 1, 1, px);
            };

    private static TokenBatch grids(int... ids) {
        return new TokenBatch(ids.length, 1, 1, ids);
    }

    @Test
    void aPerfectAutoencoderReencodesEveryToken() {
        Function<ImageBatch, TokenBatch> encode =
                images -> {
                    int[] ids = new int[images.count()];
                    for (int n = 0; n < ids.length; n++) {
                        ids[n] = (images.pixels()[n] & 0xff) / 10;
                    }
                    return grids(ids);
                };
        assertEquals(1.0, ReencodeConsistency.of(grids(0, 3, 7, 7, 12), DECODE, encode), 0);
    }

    @Test
    void countsTheTokensThatComeBackChanged() {
        // The encoder cannot tell codes above 4 apart: it maps them all to 4.
        Function<ImageBatch, TokenBatch> encode =
                images -> {
                    int[] ids = new int[images.count()];
                    for (int n = 0; n < ids.length; n++) {
                        ids[n] = Math.min(4, (images.pixels()[n] & 0xff) / 10);
                    }
                    return grids(ids);
                };
        assertEquals(3 / 5.0, ReencodeConsistency.of(grids(0, 4, 5, 9, 2), DECODE, encode), 1e-15);
    }
}
