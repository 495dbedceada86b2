package dev.tessera.examples;

import dev.tessera.train.api.TokenizerTraining;

import java.nio.file.Path;

/**
 * Options of {@code tessera demo}.
 *
 * @param out directory for the tokenizer and the PNG
 * @param steps training steps
 * @param seed seed of data and training
 * @param device auto, cpu or gpu
 * @param images held-out images sent through the server
 */
public record DemoOptions(Path out, int steps, long seed, String device, int images) {

    public DemoOptions {
        if (steps < 1 || images < 1) {
            throw new IllegalArgumentException("--steps and --images must be positive");
        }
    }

    /**
     * The training run of the demo: the small demo setting with this demo's steps, seed and device.
     */
    TokenizerTraining training(Path tokenizerDir) {
        return TokenizerTraining.demo(tokenizerDir)
                .steps(steps)
                .seed(seed)
                .logEvery(Math.max(1, steps / 20))
                .device(device)
                .overwrite(true)
                .build();
    }
}
