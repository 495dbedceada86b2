package dev.tessera.train.analysis;

import dev.tessera.api.v1.TokenizerManifest;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.data.DataSplits;
import dev.tessera.train.data.ImageSource;
import dev.tessera.train.eval.ArtifactEvaluation;
import dev.tessera.train.eval.GmVqPosterior;
import dev.tessera.train.train.PosteriorVarianceTrace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Measures an exported tokenizer on the train and test splits of a data set: every metric of
 * docs/metrics.md, through the runtime library, so the numbers are those of the served model.
 */
public final class TokenizerAnalysis {

    /** Images kept for the report's real-versus-prior picture. */
    private static final int REPORT_IMAGES = 16;

    private final AnalysisOptions options;
    private final Consumer<String> log;

    public TokenizerAnalysis(AnalysisOptions options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public AnalysisResult analyze(Tokenizer tokenizer, DataSplits data) {
        long start = System.nanoTime();
        ArtifactEvaluation.checkShape(tokenizer, data.train());
        ImageSource test = data.test();
        int testCount = options.limit(test.count());
        log.accept(
                String.format(
                        Locale.ROOT,
                        "fitting %d principal components to %d test images",
                        FrechetReference.COMPONENTS,
                        testCount));
        FrechetReference reference =
                FrechetReference.fit(
                        test, testCount, FrechetReference.COMPONENTS, options.batchSize());
        Optional<GmVqPosterior> posterior = GmVqPosterior.of(tokenizer);

        SplitAnalysis trainPass = new SplitAnalysis(tokenizer, posterior, reference);
        run("train", data.train(), trainPass);
        SplitAnalysis testPass = new SplitAnalysis(tokenizer, posterior, reference);
        run("test", test, testPass);
        SplitResult train = trainPass.result();
        SplitResult testResult = testPass.result();

        int samples = options.priorSamples() == 0 ? testCount : options.priorSamples();
        log.accept("decoding " + samples + " grids sampled from the position prior");
        FrechetReference.Sample prior = reference.sample();
        List<ImageBatch> priorImages = new ArrayList<>();
        TokenBatch grids = trainPass.prior().sample(samples, options.seed());
        for (int from = 0; from < samples; from += options.batchSize()) {
            ImageBatch decoded =
                    tokenizer.decode(
                            slice(grids, from, Math.min(samples, from + options.batchSize())));
            prior.add(decoded);
            if (from == 0) {
                priorImages.add(decoded.slice(0, Math.min(REPORT_IMAGES, decoded.count())));
            }
        }

        Map<String, Double> cross = new LinkedHashMap<>();
        cross.put("generalization_gap", testResult.metric("mse") - train.metric("mse"));
        cross.put("frechet_prior", prior.distance());
        TokenizerManifest manifest = tokenizer.manifest();
        for (String key : new String[] {"encoder_params", "decoder_params"}) {
            Double v = manifest.getMetricsMap().get(key);
            if (v != null) {
                cross.put(key, v);
            }
        }
        posterior.ifPresent(p -> cross.put("posterior_variance", p.variance()));
        AnalysisResult result =
                new AnalysisResult(
                        describe(tokenizer, data),
                        train,
                        testResult,
                        cross,
                        trace(manifest),
                        reference.subspace().explainedVariance(),
                        test.read(0, Math.min(REPORT_IMAGES, test.count())),
                        priorImages.get(0),
                        (System.nanoTime() - start) / 1e9);
        if (!result.couplingBoundHolds()) {
            log.accept(
                    "warning: the coupling bound W2(data, reconstructions) <= sqrt(mean squared"
                            + " error per image) does not hold; the Fréchet computation is wrong");
        }
        return result;
    }

    private void run(String name, ImageSource images, SplitAnalysis pass) {
        int count = options.limit(images.count());
        long start = System.nanoTime();
        for (int from = 0; from < count; from += options.batchSize()) {
            pass.add(images.read(from, Math.min(count, from + options.batchSize())));
        }
        log.accept(
                String.format(
                        Locale.ROOT,
                        "%s: %d images analysed in %.1f s",
                        name,
                        count,
                        (System.nanoTime() - start) / 1e9));
    }

    private static TokenBatch slice(TokenBatch grids, int from, int to) {
        int size = grids.gridSize();
        int[] ids = java.util.Arrays.copyOfRange(grids.ids(), from * size, to * size);
        return new TokenBatch(to - from, grids.height(), grids.width(), ids);
    }

    private static Map<String, String> describe(Tokenizer tokenizer, DataSplits data) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", tokenizer.name());
        m.put("version", tokenizer.version());
        m.put("quantizer", tokenizer.manifest().getQuantizer());
        m.put("codebook_size", String.valueOf(tokenizer.codebookSize()));
        m.put("grid", tokenizer.gridHeight() + "x" + tokenizer.gridWidth());
        m.put("data", data.description());
        return m;
    }

    /** The learned σ_q² recorded by the trainer, as (step, value) rows. */
    static double[][] trace(TokenizerManifest manifest) {
        return PosteriorVarianceTrace.parse(
                manifest.getTraining()
                        .getConfigMap()
                        .getOrDefault(PosteriorVarianceTrace.KEY, ""));
    }
}
