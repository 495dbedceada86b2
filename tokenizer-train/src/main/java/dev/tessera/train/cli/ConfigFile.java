package dev.tessera.train.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code --config} file ({@code @Mixin} of {@code train}, {@code compare} and {@code sweep}): a
 * flat JSON object whose keys are training options, e.g. {"epochs": 5}.
 */
final class ConfigFile {

    @Option(
            names = "--config",
            paramLabel = "FILE.json",
            description =
                    "settings as a JSON object whose keys are the train options, e.g. {\"epochs\":"
                            + " 3}; options on the command line win")
    private Path file;

    /** {@code --config}, or null. */
    Path file() {
        return file;
    }

    /**
     * The file's settings as strings, by option name without {@code --}.
     *
     * @param command the command whose line names the file, for the refusals
     * @throws picocli.CommandLine.ParameterException if it is not a flat JSON object
     * @throws CommandFailedException if it cannot be read
     */
    static Map<String, String> read(Path file, CommandSpec command) {
        JsonObject object;
        try {
            JsonElement root = JsonParser.parseString(Files.readString(file));
            if (!root.isJsonObject()) {
                throw CommandLines.usageError(
                        command,
                        file + ": expected a JSON object of settings, e.g. {\"epochs\": 5}");
            }
            object = root.getAsJsonObject();
        } catch (JsonParseException e) {
            throw CommandLines.usageError(command, file + " is not valid JSON: " + e.getMessage());
        } catch (IOException e) {
            throw new CommandFailedException(
                    "cannot read --config " + file + ": " + CommandLines.reason(e), e);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : object.entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive()) {
                throw CommandLines.usageError(
                        command,
                        file + ": \"" + e.getKey() + "\" must be a string, number or boolean");
            }
            settings.put(e.getKey(), v.getAsString());
        }
        return settings;
    }
}
