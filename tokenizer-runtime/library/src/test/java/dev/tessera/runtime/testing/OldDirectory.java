package dev.tessera.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A tokenizer directory exactly as Tessera wrote it before the manifest became {@code
 * tessera.json}: the files the runtime's tests wrote with {@link ToyTokenizer#gray} ("legacy",
 * version "1", 8×8 gray, grid 2×2, K=16, fixed size) at that time, kept byte for byte as test
 * resources. Its manifest is {@code tokenizer.json}, with lowerCamelCase keys and no {@code
 * size_multiple}; its graphs declare the fixed size.
 */
public final class OldDirectory {

    /** The files of the directory. */
    public static final List<String> FILES =
            List.of("tokenizer.json", "encoder.onnx", "decoder.onnx", "codebook.npy", "report.html");

    private static final String RESOURCES = "written-before-tessera-json/";

    private OldDirectory() {}

    /** Copies the directory to {@code parent/legacy-1} and returns that path. */
    public static Path copyTo(Path parent) throws IOException {
        Path dir = Files.createDirectories(parent.resolve("legacy-1"));
        for (String name : FILES) {
            try (InputStream in = OldDirectory.class.getResourceAsStream(RESOURCES + name)) {
                if (in == null) {
                    throw new IOException("test resource " + RESOURCES + name + " is missing");
                }
                Files.copy(in, dir.resolve(name));
            }
        }
        return dir;
    }
}
