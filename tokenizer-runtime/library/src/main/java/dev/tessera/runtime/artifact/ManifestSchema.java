package dev.tessera.runtime.artifact;

import dev.tessera.api.v1.TokenizerManifest;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules a {@code tokenizer.json} must satisfy before the runtime uses it: a known schema
 * version, a name and version, positive sizes, uint8 input and the graph tensor names.
 */
public final class ManifestSchema {

    /** The manifest layout this runtime reads and writes. */
    public static final int SCHEMA_VERSION = 1;

    /** The only input element type; pre- and post-processing live inside the graphs. */
    public static final String INPUT_DTYPE = "uint8";

    private ManifestSchema() {}

    /**
     * Checks a manifest read from {@code tokenizer.json}.
     *
     * @throws TokenizerLoadException naming {@code tokenizer.json} and every problem found
     */
    public static void check(TokenizerManifest m) {
        if (m.getSchemaVersion() != SCHEMA_VERSION) {
            throw new TokenizerLoadException(
                    TokenizerDirectory.MANIFEST
                            + ": schema_version "
                            + m.getSchemaVersion()
                            + " is not supported (this runtime reads version "
                            + SCHEMA_VERSION
                            + "); use a Tessera runtime that matches the trainer that wrote it");
        }
        List<String> problems = new ArrayList<>();
        requireText(problems, "name", m.getName());
        requireText(problems, "version", m.getVersion());
        requirePositive(problems, "codebook_size", m.getCodebookSize());
        requirePositive(problems, "code_dim", m.getCodeDim());
        requirePositive(problems, "grid.height", m.getGrid().getHeight());
        requirePositive(problems, "grid.width", m.getGrid().getWidth());
        requirePositive(problems, "input.channels", m.getInput().getChannels());
        requirePositive(problems, "input.height", m.getInput().getHeight());
        requirePositive(problems, "input.width", m.getInput().getWidth());
        if (!INPUT_DTYPE.equals(m.getInput().getDtype())) {
            problems.add(
                    "input.dtype: expected \""
                            + INPUT_DTYPE
                            + "\", got \""
                            + m.getInput().getDtype()
                            + "\"");
        }
        requireText(problems, "tensors.encoder_input", m.getTensors().getEncoderInput());
        requireText(problems, "tensors.encoder_output", m.getTensors().getEncoderOutput());
        requireText(problems, "tensors.decoder_input", m.getTensors().getDecoderInput());
        requireText(problems, "tensors.decoder_output", m.getTensors().getDecoderOutput());
        if (!problems.isEmpty()) {
            throw new TokenizerLoadException(
                    TokenizerDirectory.MANIFEST + " is invalid: " + String.join("; ", problems));
        }
    }

    private static void requireText(List<String> problems, String field, String value) {
        if (value.isBlank()) {
            problems.add(field + ": expected a non-empty string");
        }
    }

    private static void requirePositive(List<String> problems, String field, int value) {
        if (value < 1) {
            problems.add(field + ": expected ≥ 1, got " + value);
        }
    }
}
