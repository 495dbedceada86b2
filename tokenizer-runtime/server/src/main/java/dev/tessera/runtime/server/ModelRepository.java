package dev.tessera.runtime.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A model repository: a directory holding one tokenizer directory per model version, at {@code
 * <root>/<name>/<version>/}. Lists what is there without loading anything. Entries whose names
 * break {@link ModelNames}' rule (hidden staging directories among them) are skipped, so a trainer
 * that writes {@code .name.tmp-*} and renames it into place is picked up only once complete.
 */
public final class ModelRepository {

    private final Path root;

    /**
     * @param root the repository directory
     */
    public ModelRepository(Path root) {
        this.root = Objects.requireNonNull(root, "root");
    }

    /** The repository directory. */
    public Path root() {
        return root;
    }

    /**
     * One version directory found in the repository.
     *
     * @param name the model name (first directory level)
     * @param version the version (second level)
     * @param dir the tokenizer directory
     * @param fingerprint changes whenever a file in the directory is added, removed, resized,
     *     rewritten or replaced, so a changed or half-copied directory is loaded again
     */
    public record Entry(String name, String version, Path dir, String fingerprint) {}

    /**
     * Lists every {@code <name>/<version>/} directory, sorted by name and version.
     *
     * @throws IOException if the repository directory cannot be read
     */
    public List<Entry> scan() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(
                    "model repository " + root + " is not a directory; create it or fix --models");
        }
        List<Entry> entries = new ArrayList<>();
        for (Path nameDir : subdirectories(root)) {
            String name = nameDir.getFileName().toString();
            for (Path versionDir : subdirectories(nameDir)) {
                String version = versionDir.getFileName().toString();
                entries.add(new Entry(name, version, versionDir, fingerprint(versionDir)));
            }
        }
        entries.sort(
                (a, b) -> {
                    int c = a.name().compareTo(b.name());
                    return c != 0 ? c : VersionOrder.INSTANCE.compare(a.version(), b.version());
                });
        return entries;
    }

    private static List<Path> subdirectories(Path dir) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                if (Files.isDirectory(child)
                        && ModelNames.isValid(child.getFileName().toString())) {
                    dirs.add(child);
                }
            }
        }
        return dirs;
    }

    private static String fingerprint(Path dir) throws IOException {
        List<String> parts = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir, 2)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    parts.add(
                            dir.relativize(file)
                                    + ":"
                                    + a.size()
                                    + ":"
                                    + a.lastModifiedTime().toMillis()
                                    + ":"
                                    + a.fileKey());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // A directory that vanishes or changes mid-scan is read again on the next scan.
            return "unreadable:" + e.getClass().getSimpleName();
        }
        parts.sort(null);
        return String.join("|", parts);
    }
}
