package dev.tessera.train.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;

import dev.tessera.train.io.DirectoryTree;
import dev.tessera.train.io.SafeTensors;
import dev.tessera.train.io.Tsk1TensorFile;
import dev.tessera.train.model.FloatTensor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Everything needed to continue a run exactly where it stopped: parameters and buffers, Adam's
 * moments and step count, steps done, progress so far, and the run's settings.
 *
 * <p>On disk, a checkpoint directory holds one {@code step-N/} folder per saved step (only the
 * latest is kept) and a {@code LATEST} file naming it. A new checkpoint is written completely
 * before {@code LATEST} is switched to it by an atomic rename, so a crash at any moment leaves the
 * previous good checkpoint in place.
 *
 * <p>A {@code step-N/} folder holds {@code checkpoint.json} (everything but the tensors; {@code
 * "format": 2}), {@code parameters.safetensors} (parameters and buffers under the network's names,
 * in the network's order; metadata {@code producer}, {@code step} and {@code buffers}, the
 * comma-separated names of the buffers) and {@code adam.safetensors} (Adam's moments as {@code
 * NAME#m} and {@code NAME#v}; metadata {@code producer} and {@code adam_step}), which Python reads
 * with the {@code safetensors} package or a few lines of numpy. Checkpoints of format 1, whose
 * tensors are TSK1 files ({@code params.bin}, {@code adam.bin}), still load.
 *
 * @param step steps done
 * @param steps steps of the whole run
 * @param elapsedSeconds training time spent so far
 * @param params parameters and buffers by name
 * @param buffers names in {@code params} that are buffers, not trained by gradient
 * @param adamStep Adam's update count
 * @param adamMoments first and second moments by parameter name, as "NAME#m" and "NAME#v"
 * @param history progress reports so far
 * @param settings the run's settings (the trainer command line's flags), for --resume
 */
public record Checkpoint(
        int step,
        int steps,
        double elapsedSeconds,
        Map<String, FloatTensor> params,
        Set<String> buffers,
        long adamStep,
        Map<String, FloatTensor> adamMoments,
        List<TrainingProgress> history,
        Map<String, String> settings) {

    private static final String LATEST = "LATEST";
    private static final String PRODUCER = "tessera";
    private static final String META = "checkpoint.json";
    private static final String PARAMS = "parameters.safetensors";
    private static final String ADAM = "adam.safetensors";
    private static final int FORMAT = 2;

    /** The format before safetensors: the same JSON, tensors in TSK1 files. */
    private static final int TSK1_FORMAT = 1;

    private static final String TSK1_PARAMS = "params.bin";
    private static final String TSK1_ADAM = "adam.bin";

    public Checkpoint {
        // In their order: a resumed ParameterSet loads them in it (Map.copyOf has no order).
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
        buffers = Set.copyOf(buffers);
        adamMoments = Map.copyOf(adamMoments);
        history = List.copyOf(history);
        settings = Map.copyOf(settings);
    }

    /** The JSON part: everything except the tensors. */
    private record Meta(
            int format,
            int step,
            int steps,
            double elapsedSeconds,
            List<String> paramOrder,
            List<String> buffers,
            long adamStep,
            List<TrainingProgress> history,
            Map<String, String> settings) {}

    private static Gson gson() {
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();
    }

    /**
     * Writes this checkpoint into {@code dir} (created if needed), makes it the latest, and deletes
     * older ones. Returns the folder written.
     */
    public Path save(Path dir, List<String> paramOrder) throws IOException {
        Files.createDirectories(dir);
        Path folder = dir.resolve("step-" + step);
        Path staging = dir.resolve(".step-" + step + ".tmp");
        DirectoryTree.delete(staging);
        Files.createDirectories(staging);
        Map<String, FloatTensor> ordered = new LinkedHashMap<>();
        paramOrder.forEach(name -> ordered.put(name, params.get(name)));
        List<String> bufferNames = new ArrayList<>(new java.util.TreeSet<>(buffers));
        SafeTensors.write(
                staging.resolve(PARAMS),
                ordered,
                Map.of(
                        "producer", PRODUCER,
                        "step", String.valueOf(step),
                        "buffers", String.join(",", bufferNames)));
        SafeTensors.write(
                staging.resolve(ADAM),
                new java.util.TreeMap<>(adamMoments),
                Map.of("producer", PRODUCER, "adam_step", String.valueOf(adamStep)));
        Meta meta =
                new Meta(
                        FORMAT,
                        step,
                        steps,
                        elapsedSeconds,
                        paramOrder,
                        bufferNames,
                        adamStep,
                        history,
                        new java.util.TreeMap<>(settings));
        Files.writeString(staging.resolve(META), gson().toJson(meta), StandardCharsets.UTF_8);
        DirectoryTree.delete(folder);
        Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        Path latestTmp = dir.resolve(LATEST + ".tmp");
        Files.writeString(latestTmp, folder.getFileName().toString(), StandardCharsets.UTF_8);
        try {
            Files.move(
                    latestTmp,
                    dir.resolve(LATEST),
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(latestTmp, dir.resolve(LATEST), StandardCopyOption.REPLACE_EXISTING);
        }
        deleteOlder(dir, folder.getFileName().toString());
        return folder;
    }

    /** Reads the latest checkpoint of {@code dir}. */
    public static Checkpoint load(Path dir) throws IOException {
        Path latest = dir.resolve(LATEST);
        String name;
        try {
            name = Files.readString(latest, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw new IOException(
                    dir
                            + " holds no checkpoint (no "
                            + LATEST
                            + " file); checkpoints are written"
                            + " at the end of every epoch into --checkpoint-dir");
        }
        Path folder = dir.resolve(name);
        Meta meta;
        try {
            meta = gson().fromJson(Files.readString(folder.resolve(META)), Meta.class);
        } catch (JsonParseException e) {
            throw new IOException(folder.resolve(META) + " is not valid JSON: " + e.getMessage());
        }
        if (meta == null || (meta.format() != FORMAT && meta.format() != TSK1_FORMAT)) {
            throw new IOException(
                    folder.resolve(META)
                            + " is not a checkpoint of format "
                            + TSK1_FORMAT
                            + " or "
                            + FORMAT);
        }
        boolean tsk1 = meta.format() == TSK1_FORMAT;
        Path paramsFile = folder.resolve(tsk1 ? TSK1_PARAMS : PARAMS);
        Map<String, FloatTensor> stored = tensors(paramsFile, tsk1);
        Map<String, FloatTensor> params = new LinkedHashMap<>();
        for (String p : meta.paramOrder()) {
            FloatTensor t = stored.get(p);
            if (t == null) {
                throw new IOException(paramsFile + " lacks tensor " + p);
            }
            params.put(p, t);
        }
        return new Checkpoint(
                meta.step(),
                meta.steps(),
                meta.elapsedSeconds(),
                params,
                Set.copyOf(meta.buffers()),
                meta.adamStep(),
                tensors(folder.resolve(tsk1 ? TSK1_ADAM : ADAM), tsk1),
                meta.history() == null ? List.of() : meta.history(),
                meta.settings() == null ? Map.of() : meta.settings());
    }

    private static Map<String, FloatTensor> tensors(Path file, boolean tsk1) throws IOException {
        return tsk1 ? Tsk1TensorFile.read(file) : SafeTensors.read(file).tensors();
    }

    /** Whether {@code dir} holds a checkpoint. */
    public static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(LATEST));
    }

    private static void deleteOlder(Path dir, String keep) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith("step-") && !n.equals(keep)) {
                    DirectoryTree.delete(p);
                }
            }
        }
    }
}
