package dev.tessera.runtime.artifact;

import dev.tessera.api.v1.TokenizerManifest;

import java.util.ArrayList;
import java.util.List;

/**
 * The rules a manifest must satisfy before the runtime uses it: a known schema version, a name and
 * version, positive sizes, uint8 input, the graph tensor names, and for a model that takes any
 * multiple of its downsampling factor, a training size and grid that agree with that factor.
 */
public final class ManifestSchema {

    /** The manifest layout this runtime reads and writes. */
    public static final int SCHEMA_VERSION = 1;

    /** The only input element type; pre- and post-processing live inside the graphs. */
    public static final String INPUT_DTYPE = "uint8";

    private ManifestSchema() {}

    /**
     * Checks a manifest read from {@code tessera.json}.
     *
     * @throws TokenizerLoadException naming {@code tessera.json} and every problem found
     */
    public static void check(TokenizerManifest m) {
        check(m, TokenizerDirectory.MANIFEST);
    }

    /**
     * Checks a manifest read from the file {@code file}.
     *
     * @throws TokenizerLoadException naming {@code file} and every problem found
     */
    public static void check(TokenizerManifest m, String file) {
        if (m.getSchemaVersion() != SCHEMA_VERSION) {
            throw new TokenizerLoadException(
                    file
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
        if (problems.isEmpty()) {
            checkSizeMultiple(problems, m);
        }
        if (!problems.isEmpty()) {
            throw new TokenizerLoadException(file + " is invalid: " + String.join("; ", problems));
        }
    }

    /**
     * A size multiple must be a multiple of the downsampling factor f (the same along both axes),
     * and the training size a multiple of it, so that every size taken gives a whole grid.
     */
    private static void checkSizeMultiple(List<String> problems, TokenizerManifest m) {
        int multiple = m.getInput().getSizeMultiple();
        if (multiple == 0) {
            return;
        }
        int h = m.getInput().getHeight();
        int w = m.getInput().getWidth();
        int gh = m.getGrid().getHeight();
        int gw = m.getGrid().getWidth();
        if (multiple < 0) {
            problems.add("input.size_multiple: expected ≥ 0, got " + multiple);
        } else if (h % gh != 0 || w % gw != 0 || h / gh != w / gw) {
            problems.add(
                    "input.size_multiple: a size multiple needs one downsampling factor, but input "
                            + w
                            + "x"
                            + h
                            + " and grid "
                            + gw
                            + "x"
                            + gh
                            + " give none");
        } else if (multiple % (h / gh) != 0 || h % multiple != 0 || w % multiple != 0) {
            problems.add(
                    "input.size_multiple: expected a multiple of the downsampling factor "
                            + h / gh
                            + " that divides the training size "
                            + w
                            + "x"
                            + h
                            + ", got "
                            + multiple);
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
