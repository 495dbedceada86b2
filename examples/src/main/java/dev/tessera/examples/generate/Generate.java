package dev.tessera.examples.generate;

import java.io.PrintStream;

/**
 * {@code tessera generate}: tokenize a data set, train an autoregressive transformer prior over the
 * token grids, sample, decode, and compare the samples with those of the independent-position prior
 * by their Fréchet distance to the test images.
 */
public final class Generate {

    private Generate() {}

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
}
