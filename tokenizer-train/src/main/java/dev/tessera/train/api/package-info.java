/**
 * The trainer's public API: what a program built on Tessera (the examples among them) uses from
 * {@code tokenizer-train}. Everything else in the trainer is internal and may change in any
 * version; the types here keep their names, signatures and documented behaviour, and their
 * signatures use only these types, the runtime library's ({@code ImageBatch}, {@code TokenBatch})
 * and DJL's and Java's.
 *
 * <ul>
 *   <li>Train a tokenizer: {@link dev.tessera.train.api.TokenizerTraining} (settings, then {@code
 *       run}) gives a {@link dev.tessera.train.api.TrainingOutcome}.
 *   <li>Read image data sets as the trainer does: {@link dev.tessera.train.api.ImageDataSet} and
 *       its splits, {@link dev.tessera.train.api.Images}; failures are {@link
 *       dev.tessera.train.api.ImageDataException}.
 *   <li>Measure and show results: {@link dev.tessera.train.api.ReconstructionQuality}, {@link
 *       dev.tessera.train.api.FrechetDistances}, {@link
 *       dev.tessera.train.api.IndependentPositionPrior}, {@link
 *       dev.tessera.train.api.ImageSheet}.
 *   <li>Write DJL models of your own the way the trainer does: {@link
 *       dev.tessera.train.api.Parameters} (saved as safetensors), {@link
 *       dev.tessera.train.api.AdamOptimizer}, {@link dev.tessera.train.api.Scalars}, {@link
 *       dev.tessera.train.api.Seeds}, {@link dev.tessera.train.api.Devices}.
 * </ul>
 *
 * <p>The package sits on top of the trainer's others (docs/architecture.md): nothing in the
 * trainer depends on it. Command-line parsing is not part of it yet; the examples still parse
 * their flags with the trainer's {@code cli.Flags} until every command moves to picocli.
 */
package dev.tessera.train.api;
