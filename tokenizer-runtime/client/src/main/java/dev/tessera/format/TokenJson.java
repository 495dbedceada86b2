package dev.tessera.format;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;

import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.TokenBatch;

import java.io.EOFException;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Token files as JSON (see {@link TokenFile}), through Gson. Printed so that each grid's ids sit on
 * one line, which keeps large files both small and readable; read with Gson's streaming reader
 * straight into an int array, so that millions of ids never become a tree of objects. Every
 * problem is reported with its line and column.
 */
final class TokenJson {

    private static final List<String> KEYS =
            List.of("model", "version", "codebook_size", "shape", "images", "ids");

    /** Quotes strings; HTML characters stay as they are, as in any other JSON file. */
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private static final Pattern WHOLE = Pattern.compile("-?(0|[1-9][0-9]*)");
    private static final Pattern LOCATION = Pattern.compile(" at line (\\d+) column (\\d+) ");

    private final String text;
    private final JsonReader in;

    private TokenJson(String text) {
        this.text = text;
        this.in = new JsonReader(new StringReader(text));
        in.setStrictness(Strictness.STRICT);
    }

    static String print(TokenFile file) {
        TokenBatch t = file.tokens();
        StringBuilder json = new StringBuilder(32 + t.ids().length * 4);
        json.append("{\n");
        if (file.model() != null) {
            json.append("  \"model\": ").append(GSON.toJson(file.model())).append(",\n");
        }
        if (file.version() != null) {
            json.append("  \"version\": ").append(GSON.toJson(file.version())).append(",\n");
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
                json.append(i == 0 ? "" : ", ").append(GSON.toJson(file.images().get(i)));
            }
            json.append("],\n");
        }
        json.append("  \"ids\": [\n");
        int[] ids = t.ids();
        for (int i = 0; i < ids.length; i++) {
            json.append(i % t.gridSize() == 0 ? "    " : " ").append(ids[i]);
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
        try {
            return new TokenJson(text).file();
        } catch (IOException e) {
            throw new IllegalStateException("reading from memory cannot fail", e);
        }
    }

    private TokenFile file() throws IOException {
        String model = null;
        String version = null;
        int codebookSize = 0;
        int[] shape = null;
        List<String> images = List.of();
        int[] ids = null;
        Set<String> seen = new HashSet<>();
        JsonToken first = peek("expected a JSON object ('{')");
        if (first != JsonToken.BEGIN_OBJECT) {
            throw error("expected a JSON object ('{')", tokenStart(first));
        }
        in.beginObject();
        while (peek("expected ',' or the end of the object ('}')") != JsonToken.END_OBJECT) {
            int keyAt = tokenStart(JsonToken.NAME);
            if (in.peek() != JsonToken.NAME) {
                throw error("key: expected a string", tokenStart(in.peek()));
            }
            String key = in.nextName();
            if (!seen.add(key)) {
                throw error("key \"" + key + "\" appears twice", keyAt);
            }
            switch (key) {
                case "model" -> model = string(key);
                case "version" -> version = string(key);
                case "codebook_size" -> codebookSize = nonNegative(key);
                case "shape" -> shape = ints(key);
                case "images" -> images = strings(key);
                case "ids" -> ids = ints(key);
                default ->
                        throw error("unknown key \"" + key + "\"; a token file has " + KEYS, keyAt);
            }
        }
        in.endObject();
        try {
            if (in.peek() != JsonToken.END_DOCUMENT) {
                throw error("unexpected text after the JSON object", tokenStart(in.peek()));
            }
        } catch (MalformedJsonException e) {
            throw error("unexpected text after the JSON object", position(e) - 1);
        }
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

    /** The value after {@code key}'s name: its colon is checked by this first look at it. */
    private JsonToken valueAfter(String key, String field, String what) throws IOException {
        try {
            return in.peek();
        } catch (MalformedJsonException e) {
            if (gsonSays(e, "Expected ':'")) {
                throw error("expected a colon after \"" + key + "\" (':')", position(e) - 1);
            }
            throw malformedValue(e, field, what);
        } catch (EOFException e) {
            throw error(field + ": expected " + what, text.length());
        }
    }

    private String string(String key) throws IOException {
        return readString(valueAfter(key, key, "a string"), key);
    }

    private String readString(JsonToken token, String field) throws IOException {
        if (token != JsonToken.STRING) {
            throw error(field + ": expected a string", tokenStart(token));
        }
        try {
            return in.nextString();
        } catch (MalformedJsonException e) {
            int at = position(e);
            if (gsonSays(e, "Unterminated string")) {
                throw error(field + ": the string is not closed", text.length());
            }
            if (gsonSays(e, "Invalid escape sequence")) {
                throw error(field + ": unknown escape \\" + text.charAt(at - 1), at - 1);
            }
            throw error(field + ": a control character must be escaped in a JSON string", at - 1);
        } catch (EOFException e) {
            throw error(field + ": the string is not closed", text.length());
        }
    }

    private int nonNegative(String key) throws IOException {
        int start = tokenStart(valueAfter(key, key, "a whole number"));
        int value = readInt(in.peek(), key);
        if (value < 0) {
            throw error(key + ": expected ≥ 0, got " + value, start);
        }
        return value;
    }

    private int readInt(JsonToken token, String field) throws IOException {
        int start = tokenStart(token);
        if (token != JsonToken.NUMBER) {
            throw error(field + ": expected a whole number, got " + describe(start), start);
        }
        String number = in.nextString();
        if (!WHOLE.matcher(number).matches()) {
            throw error(field + ": expected a whole number, got " + number, start);
        }
        try {
            return Integer.parseInt(number);
        } catch (NumberFormatException e) {
            throw error(field + ": " + number + " does not fit an int32", start);
        }
    }

    private int[] ints(String key) throws IOException {
        int[] values = new int[1024];
        int n = 0;
        JsonToken token = valueAfter(key, key, "an array");
        if (token != JsonToken.BEGIN_ARRAY) {
            throw error("expected an array for \"" + key + "\" ('[')", tokenStart(token));
        }
        in.beginArray();
        while ((token = element(key, n, "a whole number")) != JsonToken.END_ARRAY) {
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
            }
            values[n] = readInt(token, key + "[" + n + "]");
            n++;
        }
        in.endArray();
        return Arrays.copyOf(values, n);
    }

    private List<String> strings(String key) throws IOException {
        List<String> values = new ArrayList<>();
        JsonToken token = valueAfter(key, key, "an array");
        if (token != JsonToken.BEGIN_ARRAY) {
            throw error("expected an array for \"" + key + "\" ('[')", tokenStart(token));
        }
        in.beginArray();
        while ((token = element(key, values.size(), "a string")) != JsonToken.END_ARRAY) {
            values.add(readString(token, key + "[" + values.size() + "]"));
        }
        in.endArray();
        return values;
    }

    /** The next element of array {@code key}, or its end; checks the comma between elements. */
    private JsonToken element(String key, int index, String what) throws IOException {
        String field = key + "[" + index + "]";
        try {
            return in.peek();
        } catch (MalformedJsonException e) {
            if (gsonSays(e, "Unterminated array")) {
                throw error(
                        "expected ',' or the end of the array \"" + key + "\" (']')",
                        position(e) - 1);
            }
            throw malformedValue(e, field, what);
        } catch (EOFException e) {
            throw error(
                    "expected ',' or the end of the array \"" + key + "\" (']')", text.length());
        }
    }

    /** A value Gson refuses to read at all, such as {@code 02} or the {@code ]} after a comma. */
    private IllegalArgumentException malformedValue(
            MalformedJsonException e, String field, String what) {
        int at = position(e);
        // Gson consumes a closing bracket before refusing it, and nothing of any other value.
        int start = at > 0 && text.charAt(at - 1) == ']' ? at - 1 : at;
        return error(field + ": expected " + what + ", got " + describe(start), start);
    }

    /** Looks at the next token; at the end of the text, fails with {@code message}. */
    private JsonToken peek(String message) throws IOException {
        try {
            return in.peek();
        } catch (EOFException e) {
            throw error(message, text.length());
        } catch (MalformedJsonException e) {
            if (gsonSays(e, "Expected name")) {
                throw error("key: expected a string", position(e) - 1);
            }
            throw error(message, position(e) - 1);
        }
    }

    /**
     * Where the token Gson has just looked at starts. Gson reads the first character of brackets,
     * braces and strings to tell what comes; of a word ({@code true}, a number) it reads all, part
     * or none before it is asked for its value, so the start is found by going back over it.
     */
    private int tokenStart(JsonToken token) {
        int at = offset(in.toString());
        return switch (token) {
            case NUMBER, BOOLEAN, NULL -> {
                int start = at;
                while (start > 0 && isWordChar(text.charAt(start - 1))) {
                    start--;
                }
                yield start;
            }
            case END_DOCUMENT -> at;
            default -> at - 1;
        };
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || ".+-".indexOf(c) >= 0;
    }

    /** Where Gson stood when it refused the text. */
    private int position(MalformedJsonException e) {
        return offset(e.getMessage());
    }

    /** The offset in the text of the line and column a Gson message or reader names. */
    private int offset(String located) {
        Matcher m = LOCATION.matcher(located);
        if (!m.find()) {
            throw new IllegalStateException("Gson gave no position: " + located);
        }
        int line = Integer.parseInt(m.group(1));
        int at = 0;
        for (int l = 1; l < line; l++) {
            at = text.indexOf('\n', at) + 1;
        }
        return Math.min(text.length(), at + Integer.parseInt(m.group(2)) - 1);
    }

    private static boolean gsonSays(MalformedJsonException e, String start) {
        return e.getMessage() != null && e.getMessage().startsWith(start);
    }

    /** The number-like word at {@code at}, or its first character quoted. */
    private String describe(int at) {
        if (at >= text.length()) {
            return "the end of the text";
        }
        char c = text.charAt(at);
        if (c != '-' && !Character.isDigit(c)) {
            return "'" + c + "'";
        }
        int end = at + 1;
        while (end < text.length() && isWordChar(text.charAt(end))) {
            end++;
        }
        return text.substring(at, end);
    }

    /** An error at offset {@code at}, written with its line and column (both counted from 1). */
    private IllegalArgumentException error(String message, int at) {
        if (at >= text.length()) {
            return new IllegalArgumentException(message + " at the end of the text");
        }
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < at; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new IllegalArgumentException(
                message + " at line " + line + " column " + (at - lineStart + 1));
    }
}
