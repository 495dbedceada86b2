package dev.tessera.train.quantize;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of finite scalar quantization: each of the L code dimensions is bounded with tanh and
 * rounded to one of {@code levels[d]} evenly spaced values in [−1, 1]; the implicit codebook is
 * their product grid, K = Π levels.
 *
 * @param levels values per dimension, each at least 2
 */
public record FsqConfig(int[] levels) implements QuantizerConfig {

    public FsqConfig {
        if (levels == null || levels.length == 0) {
            throw new IllegalArgumentException("fsq needs at least one dimension of levels");
        }
        long product = 1;
        for (int n : levels) {
            if (n < 2) {
                throw new IllegalArgumentException(
                        "fsq levels must be at least 2 each, got " + Arrays.toString(levels));
            }
            product *= n;
            if (product > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("fsq levels multiply to more than 2^31 codes");
            }
        }
        levels = levels.clone();
    }

    /**
     * Levels for a codebook of {@code codebookSize} codes: the fewest factors of at most 8, the
     * most even of them (512 → 8·8·8, 256 → 8·8·4, 1000 → 8·5·5·5).
     */
    public static FsqConfig forCodebookSize(int codebookSize) {
        return new FsqConfig(FsqLevels.forCodebookSize(codebookSize));
    }

    @Override
    public int[] levels() {
        return levels.clone();
    }

    @Override
    public String kind() {
        return "fsq";
    }

    @Override
    public int codebookSize() {
        int k = 1;
        for (int n : levels) {
            k *= n;
        }
        return k;
    }

    @Override
    public int codeDim() {
        return levels.length;
    }

    @Override
    public Quantizer create() {
        return new FsqQuantizer(this);
    }

    @Override
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fsq_levels", Arrays.toString(levels));
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FsqConfig other && Arrays.equals(levels, other.levels);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(levels);
    }

    @Override
    public String toString() {
        return "FsqConfig" + Arrays.toString(levels);
    }
}
