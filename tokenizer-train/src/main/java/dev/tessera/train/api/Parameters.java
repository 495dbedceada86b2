package dev.tessera.train.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.tessera.train.io.SafeTensors;
import dev.tessera.train.io.Tsk1TensorFile;
import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * The trainable float32 arrays of a DJL model by name, in the order they were added, on one
 * {@link NDManager}: the way the trainer keeps the tokenizer's weights, for models of your own.
 * Every array tracks gradients, so a {@link AdamOptimizer} can train them; the arrays are freed
 * with the manager.
 *
 * <p>On disk, parameters are a safetensors file (readable from Python): see {@link #save}.
 *
 * <p>Stable.
 */
public final class Parameters {

    private final ParameterSet set;

    /** An empty set whose arrays live on {@code manager}. */
    public Parameters(NDManager manager) {
        this(new ParameterSet(manager));
    }

    private Parameters(ParameterSet set) {
        this.set = set;
    }

    /**
     * Parameters saved by {@link #save}, on {@code manager}, in the order they were saved. Files
     * in the TSK1 format of Tessera before safetensors load too.
     *
     * @throws IOException when the file cannot be read or is no tensor file
     */
    public static Parameters load(Path file, NDManager manager) throws IOException {
        Map<String, FloatTensor> saved =
                Tsk1TensorFile.isTsk1(file)
                        ? Tsk1TensorFile.read(file)
                        : SafeTensors.read(file).tensors();
        Parameters parameters = new Parameters(manager);
        parameters.set.load(saved, Set.of());
        return parameters;
    }

    /**
     * Adds (or replaces) the array {@code name} of shape {@code shape}, holding {@code values}
     * row-major, on this set's manager.
     */
    public NDArray put(String name, float[] values, long... shape) {
        return set.put(name, new FloatTensor(shape, values));
    }

    /** The array {@code name}; an {@link IllegalArgumentException} names the ones there are. */
    public NDArray get(String name) {
        return set.get(name);
    }

    /** Every array by name, in the order they were added; not modifiable. */
    public Map<String, NDArray> arrays() {
        return set.arrays();
    }

    /** The manager the arrays live on. */
    public NDManager manager() {
        return set.manager();
    }

    /** Number of trained values. */
    public long count() {
        return set.count();
    }

    /**
     * Writes every array to {@code file} as safetensors: F32 tensors under their names, in their
     * order, with {@code metadata} as the file's {@code __metadata__}. Python reads it with {@code
     * safetensors.numpy.load_file} or a few lines of numpy; every bit is kept.
     */
    public void save(Path file, Map<String, String> metadata) throws IOException {
        SafeTensors.write(file, set.snapshot(), metadata);
    }

    /** The trainer's view of these parameters. */
    ParameterSet set() {
        return set;
    }
}
