package dev.tessera.train.analysis;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import java.util.Map;
import java.util.Set;

/**
 * The JSON form of an analysis: {@code train} and {@code test} objects with the per-split metrics
 * of docs/metrics.md, and the cross-split ones at the top level.
 */
public final class AnalysisJson {

    private static final Set<String> COUNTS =
            Set.of(
                    "dead_codes",
                    "images",
                    "collapsed_positions",
                    "encoder_params",
                    "decoder_params");

    private AnalysisJson() {}

    public static JsonObject of(AnalysisResult result) {
        JsonObject root = new JsonObject();
        JsonObject model = new JsonObject();
        result.model().forEach(model::addProperty);
        root.add("model", model);
        root.add("train", split(result.train()));
        root.add("test", split(result.test()));
        addMetrics(root, result.crossSplit());
        root.addProperty("coupling_bound_holds", result.couplingBoundHolds());
        if (result.posteriorVarianceTrace().length > 0) {
            JsonArray trace = new JsonArray();
            for (double[] row : result.posteriorVarianceTrace()) {
                JsonArray pair = new JsonArray();
                pair.add(Math.round(row[0]));
                pair.add(row[1]);
                trace.add(pair);
            }
            root.add("posterior_variance_trace", trace);
        }
        root.addProperty("pca_components", FrechetReference.COMPONENTS);
        root.addProperty("pca_explained_variance", result.explainedVariance());
        root.addProperty("seconds", result.seconds());
        return root;
    }

    public static String toJson(AnalysisResult result) {
        return new GsonBuilder()
                .serializeSpecialFloatingPointValues()
                .setPrettyPrinting()
                .create()
                .toJson(of(result));
    }

    private static JsonObject split(SplitResult split) {
        JsonObject o = new JsonObject();
        addMetrics(o, split.metrics());
        JsonArray information = new JsonArray();
        for (double v : split.information().positionInformation()) {
            information.add(v);
        }
        o.add("position_mutual_information_nats", information);
        return o;
    }

    private static void addMetrics(JsonObject o, Map<String, Double> metrics) {
        metrics.forEach(
                (k, v) -> {
                    if (COUNTS.contains(k)) {
                        o.addProperty(k, Math.round(v));
                    } else {
                        o.addProperty(k, v);
                    }
                });
    }
}
