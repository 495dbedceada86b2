package dev.tessera.train.analysis;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;

import java.util.function.Function;

/**
 * {@code reencode_consistency} (docs/metrics.md): the fraction of tokens that encode(decode(t))
 * gives back unchanged. 1.0 means the decoder's images land in the cells of the codes they came
 * from, so the generative map is invertible on the codes.
 */
public final class ReencodeConsistency {

    private ReencodeConsistency() {}

    /** Re-encodes the decodes of {@code tokens} and counts the ids that come back the same. */
    public static double of(
            TokenBatch tokens,
            Function<TokenBatch, ImageBatch> decode,
            Function<ImageBatch, TokenBatch> encode) {
        int[] ids = tokens.ids();
        return fraction(unchanged(ids, encode.apply(decode.apply(tokens)).ids()), ids.length);
    }

    /** How many positions hold the same id in both arrays. */
    static long unchanged(int[] ids, int[] again) {
        if (again.length != ids.length) {
            throw new IllegalArgumentException(
                    "re-encoding gave " + again.length + " tokens for " + ids.length);
        }
        long same = 0;
        for (int i = 0; i < ids.length; i++) {
            same += again[i] == ids[i] ? 1 : 0;
        }
        return same;
    }

    static double fraction(long unchanged, long total) {
        if (total == 0) {
            throw new IllegalArgumentException("no tokens to re-encode");
        }
        return unchanged / (double) total;
    }
}
