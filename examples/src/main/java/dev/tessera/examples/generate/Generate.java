package dev.tessera.examples.generate;

import dev.tessera.train.api.Devices;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code tessera generate}: tokenize a data set, train an autoregressive transformer prior over the
 * token grids, sample, decode, and compare the samples with those of the independent-position prior
 * by their Fréchet distance to the test images.
 */
public final class Generate {

    private Generate() {}

    public static void main(String[] args) {
        Devices.applyRecordedGpuSettings(System.err::println);
        boolean verbose = List.of(args).contains("--verbose");
        try {
            GenerateOptions options = GenerateOptions.parse(args);
            if (options == null) {
                System.out.print(GenerateOptions.USAGE);
                return;
            }
            if (options.threads() > 0) {
                // Read once, when DJL starts the PyTorch engine: before anything touches it.
                System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(options.threads()));
            }
            run(options, System.out);
        } catch (IllegalArgumentException e) {
            exit(e, verbose, 2);
        } catch (Exception e) {
            exit(e, verbose, 1);
        }
    }

    /** Runs the pipeline, writes generation.json and prints the numbers. */
    public static GenerationResult run(GenerateOptions options, PrintStream out) throws Exception {
        GenerationResult result = new GenerationPipeline(options, out::println).run();
        GenerationReport.write(options.out(), options, result);
        GenerationResult.Distances f = result.frechet();
        GenerationResult.Likelihoods nll = result.nll();
        out.printf(
                "Frechet distance to the test images in their first 64 principal components"
                        + " (%d samples from each prior):%n",
                f.samples());
        out.printf("  transformer prior        %8.3f%n", f.transformer());
        out.printf("  independent-position     %8.3f%n", f.independent());
        out.printf("  reconstructions (floor)  %8.3f%n", f.reconstruction());
        out.printf(
                "NLL, nats per token: transformer train %.4f, test %.4f (%.1f bits per image)%s;"
                        + " independent-position test %.4f (%.1f bits per image)%n",
                nll.train(),
                nll.test(),
                GenerationReport.bitsPerImage(nll.test(), result.shape()),
                result.shape().conditional()
                        ? String.format(", test without label %.4f", nll.testUnconditional())
                        : "",
                nll.independentTest(),
                GenerationReport.bitsPerImage(nll.independentTest(), result.shape()));
        out.println("samples: " + options.out().resolve(SampleSheets.SAMPLES).toAbsolutePath());
        out.println(
                "independent-position samples: "
                        + options.out().resolve(SampleSheets.INDEPENDENT).toAbsolutePath());
        out.println("numbers: " + options.out().resolve(GenerationReport.FILE).toAbsolutePath());
        return result;
    }

    private static void exit(Exception e, boolean verbose, int status) {
        System.err.println("tessera generate: " + e.getMessage());
        if (verbose) {
            e.printStackTrace(System.err);
        }
        System.exit(status);
    }
}
