package dev.tessera.train.report;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.train.TrainingProgress;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the report shows.
 *
 * <p>The maps keep the iteration order they are given in (tables list rows in that order), so pass
 * a {@link LinkedHashMap} or a sorted map when the order matters. {@code originals} and {@code
 * reconstructions} are either both present, with the same image shape and count, or both {@code
 * null} when no images were kept (the report then says so instead of showing a grid).
 *
 * @param title heading of the report, usually the tokenizer's name and version
 * @param metrics evaluation metrics by their {@code --json} name (docs/metrics.md)
 * @param config training configuration, as key and printable value
 * @param history progress reports of the run, in order; may be empty
 * @param codeCounts how often each of the K codes was chosen over the evaluation split
 * @param originals held-out images, or {@code null}
 * @param reconstructions their decodes, image {@code i} belonging to original {@code i}, or {@code
 *     null}
 */
public record ReportData(
        String title,
        Map<String, Double> metrics,
        Map<String, String> config,
        List<TrainingProgress> history,
        long[] codeCounts,
        ImageBatch originals,
        ImageBatch reconstructions) {

    /** Validates and takes copies, so later changes by the caller do not leak into the report. */
    public ReportData {
        Objects.requireNonNull(title, "title");
        metrics = orderedCopy(Objects.requireNonNull(metrics, "metrics"));
        config = orderedCopy(Objects.requireNonNull(config, "config"));
        history = List.copyOf(Objects.requireNonNull(history, "history"));
        codeCounts = Objects.requireNonNull(codeCounts, "codeCounts").clone();
        for (int k = 0; k < codeCounts.length; k++) {
            if (codeCounts[k] < 0) {
                throw new IllegalArgumentException(
                        "codeCounts[" + k + "] is negative: " + codeCounts[k]);
            }
        }
        requireMatchingImages(originals, reconstructions);
    }

    @Override
    public long[] codeCounts() {
        return codeCounts.clone();
    }

    /** Whether there are images to show side by side. */
    public boolean hasImages() {
        return originals != null;
    }

    private static void requireMatchingImages(ImageBatch originals, ImageBatch reconstructions) {
        if ((originals == null) != (reconstructions == null)) {
            throw new IllegalArgumentException(
                    "originals and reconstructions must both be given or both be null");
        }
        if (originals != null
                && (originals.count() != reconstructions.count()
                        || originals.channels() != reconstructions.channels()
                        || originals.height() != reconstructions.height()
                        || originals.width() != reconstructions.width())) {
            throw new IllegalArgumentException(
                    "reconstructions "
                            + reconstructions.shapeString()
                            + " do not match originals "
                            + originals.shapeString());
        }
    }

    private static <V> Map<String, V> orderedCopy(Map<String, V> map) {
        Map<String, V> copy = new LinkedHashMap<>();
        map.forEach(
                (key, value) ->
                        copy.put(
                                Objects.requireNonNull(key, "map key"),
                                Objects.requireNonNull(value, () -> "value of " + key)));
        return Collections.unmodifiableMap(copy);
    }
}
