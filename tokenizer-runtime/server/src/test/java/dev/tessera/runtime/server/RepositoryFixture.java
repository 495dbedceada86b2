package dev.tessera.runtime.server;

import dev.tessera.runtime.testing.ToyTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/** A model repository on disk for tests, changed the way a trainer or operator would. */
final class RepositoryFixture {

    final Path root;
    private final Path staging;

    RepositoryFixture(Path root) throws IOException {
        this.root = Files.createDirectories(root);
        // Hidden, so the repository never lists it; on the same file system, so moves are atomic.
        this.staging = Files.createDirectories(root.resolve(".staging"));
    }

    /** Writes a toy version into a hidden staging directory, then renames it into place. */
    Path add(String name, String version) throws IOException {
        Path written = ToyTokenizer.gray(name, version).writeTo(staging);
        Path target = root.resolve(name).resolve(version);
        Files.createDirectories(target.getParent());
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** Moves a version out of the repository (into staging), then deletes it. */
    void remove(String name, String version) throws IOException {
        Path gone = staging.resolve("gone-" + name + "-" + version + "-" + UUID.randomUUID());
        Files.move(root.resolve(name).resolve(version), gone, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(gone);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
