package dev.tessera.examples;

import dev.tessera.train.api.TokenizerTraining;

import java.nio.file.Path;

/**
 * The tokenizer the examples' tests train: GM-VQ on synthetic gray images, K = 16, six steps; a few
 * seconds on a CPU. Named {@code tiny}, version {@code 1}.
 */
public final class TinyTokenizer {

    public static final int CODEBOOK_SIZE = 16;

    private TinyTokenizer() {}

    /** The training run for square images of side {@code imageSize}, written to {@code out}. */
    public static TokenizerTraining training(Path out, int imageSize) {
        return TokenizerTraining.demo(out)
                .syntheticImages(256, 64)
                .imageSize(imageSize)
                .network(8, 4, 1)
                .gmVq(CODEBOOK_SIZE, 4)
                .steps(6)
                .batchSize(16)
                .learningRate(2e-3)
                .seed(3)
                .initBatches(2)
                .logEvery(2)
                .device("cpu")
                .name("tiny", "1")
                .overwrite(false)
                .build();
    }
}
