package dev.tessera.runtime.server.batching;

import java.util.List;

/**
 * Runs a model once over the inputs of several requests.
 *
 * @param <I> one request's input
 * @param <O> one request's output
 */
@FunctionalInterface
public interface BatchRunner<I, O> {

    /**
     * Runs the inputs as one batch.
     *
     * @return one output per input, in the same order
     */
    List<O> run(List<I> inputs);
}
