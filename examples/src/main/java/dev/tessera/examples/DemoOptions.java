package dev.tessera.examples;

import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainOptions;

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

    static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera demo [--out DIR] [--steps N] [--seed S] [--device auto|cpu|gpu]"
                        + " [--images N]",
                    "",
                    "Trains a small GM-VQ tokenizer on generated shapes, exports it, serves it over"
                        + " gRPC on a free",
                    "local port and sends held-out images through a gRPC client (Encode, then"
                        + " Decode).",
                    "",
                    "  --out DIR        where to write the tokenizer and reconstructions.png"
                        + " (default ./tessera-demo)",
                    "  --steps N        training steps (default "
                            + TrainOptions.demo(Path.of(".")).training().steps()
                            + ")",
                    "  --seed S         seed of data and training (default 7)",
                    "  --device D       auto (default), cpu or gpu",
                    "  --images N       held-out images to send through the server (default 256)",
                    "  --verbose        print stack traces with errors",
                    "");

    public DemoOptions {
        if (steps < 1 || images < 1) {
            throw new IllegalArgumentException("--steps and --images must be positive");
        }
    }

    /** Parsed options, or null when help was asked for. */
    static DemoOptions parse(String[] args) {
        Path out = Path.of("tessera-demo");
        int steps = TrainOptions.demo(out).training().steps();
        long seed = 7;
        String device = "auto";
        int images = 256;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--verbose" -> {}
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "--steps" -> steps = parseInt(value(args, ++i, arg), arg);
                case "--seed" -> seed = parseInt(value(args, ++i, arg), arg);
                case "--device" -> device = value(args, ++i, arg);
                case "--images" -> images = parseInt(value(args, ++i, arg), arg);
                default ->
                        throw new IllegalArgumentException(
                                "unknown option " + arg + "; see tessera demo --help");
            }
        }
        return new DemoOptions(out, steps, seed, device, images);
    }

    /**
     * The training run of the demo: the small demo setting with this demo's steps, seed and device.
     */
    TrainOptions trainOptions(Path tokenizerDir) {
        TrainOptions base = TrainOptions.demo(tokenizerDir);
        TrainConfig t = base.training();
        TrainConfig training =
                new TrainConfig(
                        steps,
                        t.batchSize(),
                        t.learningRate(),
                        seed,
                        t.initBatches(),
                        Math.max(1, steps / 20));
        return new TrainOptions(
                base.data(),
                base.trainImages(),
                base.testImages(),
                base.architecture(),
                base.quantizer(),
                training,
                device,
                tokenizerDir,
                base.name(),
                base.version(),
                true);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int parseInt(String v, String flag) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, got '" + v + "'");
        }
    }
}
