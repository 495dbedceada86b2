package dev.tessera.examples;

import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.train.api.TokenizerTraining;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tessera demo}: its options, and the run ({@link Demo}). */
@Command(
        name = "demo",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis =
                "usage: tessera demo [--out DIR] [--steps N] [--seed S] [--device auto|cpu|gpu]"
                        + " [--images N]%n",
        description = {
            "Trains a small GM-VQ tokenizer, serves it over gRPC and round-trips images through"
                + " it.",
            "",
            "Trains a small GM-VQ tokenizer on generated shapes, exports it, serves it over gRPC on"
                    + " a free local port and sends held-out images through a gRPC client"
                    + " (Encode, then Decode).",
            ""
        })
public final class DemoCommand implements Callable<Integer> {

    private final PrintStream out;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description =
                    "where to write the tokenizer and reconstructions.png (default ./tessera-demo)")
    private Path dir = Path.of("tessera-demo");

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "training steps (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int steps = TokenizerTraining.demo(Path.of(".")).build().steps();

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "seed of data and training (default 7)")
    private long seed = 7;

    @Option(names = "--device", paramLabel = "D", description = "auto (default), cpu or gpu")
    private String device = "auto";

    @Option(
            names = "--images",
            paramLabel = "N",
            description = "held-out images to send through the server (default ${DEFAULT-VALUE})")
    @IntRange(min = 1)
    private int images = 256;

    @Mixin private CommonOptions common;

    /**
     * @param out where the demo reports
     */
    public DemoCommand(PrintStream out) {
        this.out = out;
    }

    /** The options as parsed. */
    DemoOptions options() {
        return new DemoOptions(dir, steps, seed, device, images);
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        new Demo(options(), out).run();
        return 0;
    }
}
