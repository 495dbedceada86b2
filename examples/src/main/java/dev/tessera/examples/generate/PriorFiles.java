package dev.tessera.examples.generate;

import ai.djl.Device;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A trained prior on disk: {@code prior.json} (grid shape and settings) and {@code
 * parameters.safetensors} (the weights, exact, readable from Python), so that sampling can run
 * again without training. A prior saved before safetensors, with its weights in {@code
 * parameters.bin} (TSK1), still loads.
 */
public final class PriorFiles {

    static final String META = "prior.json";
    static final String PARAMETERS = "parameters.safetensors";
    static final String TSK1_PARAMETERS = "parameters.bin";

    /** The safetensors metadata: who wrote the weights and what they are. */
    private static final Map<String, String> METADATA =
            Map.of("producer", "tessera", "model", "transformer-prior");

    private PriorFiles() {}

    private record Meta(GridShape shape, PriorConfig config) {}

    private static Gson gson() {
        return new GsonBuilder().setPrettyPrinting().create();
    }

    /** Writes {@code prior} into {@code dir}, creating it. */
    public static void save(TransformerPrior prior, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve(META),
                gson().toJson(new Meta(prior.shape(), prior.config())),
                StandardCharsets.UTF_8);
        prior.parameters().save(dir.resolve(PARAMETERS), METADATA);
    }

    /** The prior saved in {@code dir}, on {@code device}. */
    public static TransformerPrior load(Path dir, Device device) throws IOException {
        Meta meta;
        try {
            meta = gson().fromJson(Files.readString(dir.resolve(META)), Meta.class);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(
                    dir + " holds no saved prior (no " + META + "); train one with --out first", e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(
                    dir.resolve(META) + " is not a prior description: " + e.getMessage(), e);
        }
        if (meta == null || meta.shape() == null || meta.config() == null) {
            throw new IllegalArgumentException(dir.resolve(META) + " lacks shape or config");
        }
        Path weights = dir.resolve(PARAMETERS);
        if (!Files.exists(weights) && Files.exists(dir.resolve(TSK1_PARAMETERS))) {
            weights = dir.resolve(TSK1_PARAMETERS);
        }
        return TransformerPrior.restore(meta.shape(), meta.config(), weights, device);
    }
}
