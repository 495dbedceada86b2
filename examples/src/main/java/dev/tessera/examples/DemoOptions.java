package dev.tessera.examples;

import dev.tessera.train.cli.Flags;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainOptions;

import java.nio.file.Path;
import java.util.Set;

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

    private static final Set<String> VALUED = Set.of("out", "steps", "seed", "device", "images");
    private static final Set<String> SWITCHES = Set.of("help", "verbose");

    /** Parsed options, or null when help was asked for. */
    static DemoOptions parse(String[] args) {
        Flags flags = Flags.parseCommandLine(args, VALUED, SWITCHES, "tessera demo --help");
        if (flags == null) {
            return null;
        }
        Path out = Path.of(flags.string("out", "tessera-demo"));
        return new DemoOptions(
                out,
                flags.integer("steps", TrainOptions.demo(out).training().steps()),
                flags.longValue("seed", 7),
                flags.string("device", "auto"),
                flags.integer("images", 256));
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
                        t.optimizer(),
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
}
