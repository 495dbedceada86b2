package dev.tessera.runtime.cli;

import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Token files as JSON (see {@link TokenFile}). Printed so that each grid's ids sit on one line,
 * which keeps large files both small and readable; read with {@link JsonScanner} straight into an
 * int array, so that millions of ids never become a tree of objects.
 */
final class JsonTokens {

    private static final List<String> KEYS =
            List.of("model", "version", "codebook_size", "shape", "images", "ids");

    private JsonTokens() {}

    static String print(TokenFile file) {
        TokenBatch t = file.tokens();
        StringBuilder json = new StringBuilder(32 + t.ids().length * 4);
        json.append("{\n");
        if (file.model() != null) {
            json.append("  \"model\": ").append(JsonScanner.quote(file.model())).append(",\n");
        }
        if (file.version() != null) {
            json.append("  \"version\": ").append(JsonScanner.quote(file.version())).append(",\n");
        }
        if (file.codebookSize() > 0) {
            json.append("  \"codebook_size\": ").append(file.codebookSize()).append(",\n");
        }
        json.append("  \"shape\": [")
                .append(t.count())
                .append(", ")
                .append(t.height())
                .append(", ")
                .append(t.width())
                .append("],\n");
        if (!file.images().isEmpty()) {
            json.append("  \"images\": [");
            for (int i = 0; i < file.images().size(); i++) {
                json.append(i == 0 ? "" : ", ").append(JsonScanner.quote(file.images().get(i)));
            }
            json.append("],\n");
        }
        json.append("  \"ids\": [\n");
        int[] ids = t.ids();
        for (int i = 0; i < ids.length; i++) {
            boolean gridStart = i % t.gridSize() == 0;
            json.append(gridStart ? "    " : " ").append(ids[i]);
            if (i + 1 < ids.length) {
                json.append(',');
            }
            if ((i + 1) % t.gridSize() == 0) {
                json.append('\n');
            }
        }
        return json.append("  ]\n}\n").toString();
    }

    /**
     * @throws IllegalArgumentException naming the key and the position that is wrong
     */
    static TokenFile parse(String text) {
        JsonScanner in = new JsonScanner(text);
        String model = null;
        String version = null;
        int codebookSize = 0;
        int[] shape = null;
        List<String> images = List.of();
        int[] ids = null;
        Set<String> seen = new HashSet<>();
        in.expect('{', "a JSON object");
        if (!in.tryConsume('}')) {
            do {
                int keyAt = in.nextPosition();
                String key = in.readString("key");
                if (!seen.add(key)) {
                    throw in.errorAt(keyAt, "key \"" + key + "\" appears twice");
                }
                in.expect(':', "a colon after \"" + key + "\"");
                switch (key) {
                    case "model" -> model = in.readString(key);
                    case "version" -> version = in.readString(key);
                    case "codebook_size" -> codebookSize = nonNegative(in, key, in.readInt(key));
                    case "shape" -> shape = readInts(in, key);
                    case "images" -> images = readStrings(in, key);
                    case "ids" -> ids = readInts(in, key);
                    default ->
                            throw in.errorAt(
                                    keyAt, "unknown key \"" + key + "\"; a token file has " + KEYS);
                }
            } while (in.tryConsume(','));
            in.expect('}', "',' or the end of the object");
        }
        in.expectEnd();
        if (shape == null || ids == null) {
            throw new IllegalArgumentException(
                    "expected the keys \"shape\" ([N, h, w]) and \"ids\", got " + seen);
        }
        return tokenFile(shape, ids, model, version, codebookSize, images);
    }

    private static TokenFile tokenFile(
            int[] shape,
            int[] ids,
            String model,
            String version,
            int codebookSize,
            List<String> images) {
        if (shape.length != 3) {
            throw new IllegalArgumentException(
                    "shape: expected [N, h, w], got " + Arrays.toString(shape));
        }
        try {
            TokenBatch tokens = new TokenBatch(shape[0], shape[1], shape[2], ids);
            return new TokenFile(tokens, model, version, codebookSize, images);
        } catch (InvalidInputException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static int nonNegative(JsonScanner in, String key, int value) {
        if (value < 0) {
            throw in.error(key + ": expected ≥ 0, got " + value);
        }
        return value;
    }

    private static int[] readInts(JsonScanner in, String key) {
        int[] values = new int[1024];
        int n = 0;
        in.expect('[', "an array for \"" + key + "\"");
        if (in.tryConsume(']')) {
            return new int[0];
        }
        do {
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n] = in.readInt(key + "[" + n + "]");
            n++;
        } while (in.tryConsume(','));
        in.expect(']', "',' or the end of the array \"" + key + "\"");
        return Arrays.copyOf(values, n);
    }

    private static List<String> readStrings(JsonScanner in, String key) {
        List<String> values = new ArrayList<>();
        in.expect('[', "an array for \"" + key + "\"");
        if (in.tryConsume(']')) {
            return values;
        }
        do {
            values.add(in.readString(key + "[" + values.size() + "]"));
        } while (in.tryConsume(','));
        in.expect(']', "',' or the end of the array \"" + key + "\"");
        return values;
    }
}
