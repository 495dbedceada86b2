package dev.tessera.examples;

import dev.tessera.train.model.Architecture;
import dev.tessera.train.pipeline.TrainOptions;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.train.TrainConfig;

import java.nio.file.Path;

/**
 * The tokenizer the examples' tests train: GM-VQ on synthetic gray images, K = 16, six steps; a few
 * seconds on a CPU. Named {@code tiny}, version {@code 1}.
 */
public final class TinyTokenizer {

    public static final int CODEBOOK_SIZE = 16;

    private TinyTokenizer() {}

    /** Training options for square images of side {@code imageSize}, written to {@code out}. */
    public static TrainOptions options(Path out, int imageSize) {
        int codeDim = 4;
        return new TrainOptions(
                "synthetic",
                256,
                64,
                new Architecture(1, imageSize, imageSize, 8, 4, codeDim, 1),
                GmVqConfig.defaults(CODEBOOK_SIZE, codeDim),
                new TrainConfig(6, 16, 2e-3, 3, 2, 2),
                "cpu",
                out,
                "tiny",
                "1",
                false);
    }
}
