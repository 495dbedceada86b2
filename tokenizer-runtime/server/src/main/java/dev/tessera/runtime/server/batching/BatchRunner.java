package dev.tessera.runtime.server.batching;

import java.util.List;

/**
 * Runs a model once over the inputs of several requests. A {@link DynamicBatcher} with several
 * workers calls it from several threads at once.
 *
 * @param <I> one request's input
 * @param <O> one request's output
 */
@FunctionalInterface
public interface BatchRunner<I, O> {

    /**
     * Runs the inputs as one batch.
     *
     * @return one output per input, in the same order; its elements are read later, on the
     *     batcher's completions executor, so a runner may return a view that splits each output off
     *     the merged one only then, off the run's thread
     */
    List<O> run(List<I> inputs);
}
