package dev.tessera.train.quantize;

import java.util.ArrayList;
import java.util.List;

/** Chooses FSQ levels whose product is a given codebook size. */
final class FsqLevels {

    private FsqLevels() {}

    /**
     * Factors of {@code k} as levels: the fewest factors of at most 8 (few dimensions keep each
     * dimension's levels fine enough to carry information), and among those the most even.
     */
    static int[] forCodebookSize(int k) {
        if (k < 2) {
            throw new IllegalArgumentException("codebook size must be at least 2, got " + k);
        }
        List<Integer> best = null;
        for (int dims = 1; dims <= 16 && best == null; dims++) {
            best = evenFactors(k, dims, 8);
        }
        if (best == null) {
            throw new IllegalArgumentException(
                    "fsq: codebook size "
                            + k
                            + " has a prime factor above 8; pass --fsq-levels explicitly");
        }
        return best.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The factorisation of k into exactly {@code dims} factors ≤ max with the smallest spread. */
    private static List<Integer> evenFactors(int k, int dims, int max) {
        List<Integer> best = new ArrayList<>();
        int[] bestSpread = {Integer.MAX_VALUE};
        search(k, dims, max, new ArrayList<>(), best, bestSpread);
        return best.isEmpty() ? null : best;
    }

    private static void search(
            int remaining,
            int dims,
            int max,
            List<Integer> chosen,
            List<Integer> best,
            int[] spread) {
        if (dims == 0) {
            if (remaining == 1) {
                int s = chosen.get(0) - chosen.get(chosen.size() - 1);
                if (s < spread[0]) {
                    spread[0] = s;
                    best.clear();
                    best.addAll(chosen);
                }
            }
            return;
        }
        for (int f = Math.min(max, remaining); f >= 2; f--) {
            if (remaining % f == 0) {
                chosen.add(f);
                search(remaining / f, dims - 1, f, chosen, best, spread);
                chosen.remove(chosen.size() - 1);
            }
        }
    }
}
