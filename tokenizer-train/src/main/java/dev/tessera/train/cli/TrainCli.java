package dev.tessera.train.cli;

import dev.tessera.train.export.ExportCheckException;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.quantize.GmVqConfig;
import dev.tessera.train.train.TrainConfig;
import dev.tessera.train.train.TrainOptions;
import dev.tessera.train.train.TrainingDivergedException;
import dev.tessera.train.train.TrainingJob;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Command line of the trainer jar: {@code tessera train ...}. Exit status 0 on success, 2 for a
 * wrong command line, 1 when training or export fails. Errors are one sentence; {@code --verbose}
 * adds the stack trace.
 */
public final class TrainCli {

    static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera train --out DIR [options]",
                    "",
                    "Trains a GM-VQ image tokenizer, evaluates it on held-out images, and exports a"
                            + " tokenizer",
                    "directory (encoder.onnx, decoder.onnx, codebook.npy, tokenizer.json) after"
                            + " checking that the",
                    "ONNX graphs reproduce the trained model.",
                    "",
                    "data:",
                    "  --data synthetic        built-in generated shapes, 32x32 grayscale (the only"
                            + " source so far)",
                    "  --train-images N        training images (default 8192)",
                    "  --test-images N         held-out images for evaluation (default 1024)",
                    "model:",
                    "  --codebook-size K       codes in the codebook (default 256)",
                    "  --code-dim L            dimension of each code (default 8)",
                    "  --width W               channels of the hidden layers (default 32)",
                    "  --downsample F          image side / latent grid side, 2, 4 or 8 (default"
                            + " 4)",
                    "  --residual-blocks R     residual blocks in encoder and decoder (default 1)",
                    "GM-VQ:",
                    "  --beta B                weight of KL(aggregate posterior || uniform)"
                            + " (default 0.1)",
                    "  --gamma G               weight of the expected squared distance to the codes"
                            + " (default 1.0)",
                    "  --tau0 T, --tau-min T   Gumbel-softmax temperature, annealed from tau0 to"
                            + " tau-min (1.0, 0.1)",
                    "  --posterior-variance V  sigma_q^2 of the logits; 0 estimates it at"
                            + " initialisation (default 0)",
                    "  --soft-gumbel           train with the soft Gumbel-softmax sample instead of"
                            + " straight-through",
                    "training:",
                    "  --steps N               optimisation steps (default 1500)",
                    "  --batch-size B          images per step (default 64)",
                    "  --lr LR                 Adam learning rate (default 0.002)",
                    "  --seed S                seed of data, weights and noise (default 7)",
                    "  --device auto|cpu|gpu   where to train (default auto: a GPU when DJL sees"
                            + " one)",
                    "output:",
                    "  --out DIR               tokenizer directory to write (required)",
                    "  --name NAME             model name in the manifest (default"
                            + " synthetic-shapes)",
                    "  --version V             model version in the manifest (default 1)",
                    "  --overwrite             replace DIR if it exists",
                    "  --verbose               print stack traces with errors",
                    "");

    private static final Set<String> VALUED =
            Set.of(
                    "data",
                    "train-images",
                    "test-images",
                    "codebook-size",
                    "code-dim",
                    "width",
                    "downsample",
                    "residual-blocks",
                    "beta",
                    "gamma",
                    "tau0",
                    "tau-min",
                    "posterior-variance",
                    "steps",
                    "batch-size",
                    "lr",
                    "seed",
                    "device",
                    "out",
                    "name",
                    "version");
    private static final Set<String> SWITCHES =
            Set.of("soft-gumbel", "overwrite", "verbose", "help");

    private final PrintStream out;
    private final PrintStream err;

    public TrainCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        int status = new TrainCli(System.out, System.err).run(args);
        System.exit(status);
    }

    /** Runs one command line and returns its exit status. */
    public int run(String... args) {
        if (args.length == 0 || Set.of("help", "--help", "-h").contains(args[0])) {
            out.print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        if (!args[0].equals("train")) {
            err.println(
                    "tessera: unknown command '"
                            + args[0]
                            + "' for the trainer; try: tessera train --help");
            return 2;
        }
        boolean verbose = Arrays.asList(args).contains("--verbose");
        try {
            Flags flags = Flags.parse(Arrays.copyOfRange(args, 1, args.length), VALUED, SWITCHES);
            if (flags.has("help")) {
                out.print(USAGE);
                return 0;
            }
            TrainingJob.Result result = new TrainingJob(options(flags), out::println).run();
            printResult(result);
            return 0;
        } catch (IllegalArgumentException e) {
            return fail(e, verbose, 2);
        } catch (TrainingDivergedException | ExportCheckException | IOException e) {
            return fail(e, verbose, 1);
        }
    }

    /**
     * Reports {@code e} as one line (plus its stack trace with --verbose) and returns {@code
     * status}.
     */
    private int fail(Exception e, boolean verbose, int status) {
        err.println("tessera train: " + e.getMessage());
        if (verbose) {
            e.printStackTrace(err);
        }
        return status;
    }

    static TrainOptions options(Flags flags) {
        if (!flags.has("out")) {
            throw new Flags.UsageException(
                    "--out DIR is required: where to write the tokenizer directory");
        }
        int codeDim = flags.integer("code-dim", 8);
        Architecture architecture =
                new Architecture(
                        1,
                        32,
                        32,
                        flags.integer("width", 32),
                        flags.integer("downsample", 4),
                        codeDim,
                        flags.integer("residual-blocks", 1));
        GmVqConfig defaults = GmVqConfig.defaults(flags.integer("codebook-size", 256), codeDim);
        GmVqConfig quantizer =
                new GmVqConfig(
                        defaults.codebookSize(),
                        codeDim,
                        flags.number("posterior-variance", defaults.posteriorVariance()),
                        defaults.noiseVariance(),
                        flags.number("tau0", defaults.tau0()),
                        flags.number("tau-min", defaults.tauMin()),
                        flags.number("beta", defaults.beta()),
                        flags.number("gamma", defaults.gamma()),
                        !flags.has("soft-gumbel"));
        int steps = flags.integer("steps", 1500);
        TrainConfig training =
                new TrainConfig(
                        steps,
                        flags.integer("batch-size", 64),
                        flags.number("lr", 2e-3),
                        flags.longValue("seed", 7),
                        4,
                        Math.max(1, steps / 20));
        return new TrainOptions(
                flags.string("data", "synthetic"),
                flags.integer("train-images", TrainOptions.DEFAULT_TRAIN_IMAGES),
                flags.integer("test-images", TrainOptions.DEFAULT_TEST_IMAGES),
                architecture,
                quantizer,
                training,
                flags.string("device", "auto"),
                Path.of(flags.string("out", "")),
                flags.string("name", "synthetic-shapes"),
                flags.string("version", "1"),
                flags.has("overwrite"));
    }

    private void printResult(TrainingJob.Result result) {
        Map<String, Double> m = result.metrics();
        out.printf(
                "held-out: mse %.5f  psnr %.2f dB  perplexity %.1f  usage %.3f  dead codes %.0f%n",
                m.get("mse"),
                m.get("psnr"),
                m.get("perplexity"),
                m.get("usage"),
                m.get("dead_codes"));
        out.println("wrote " + result.directory());
    }
}
