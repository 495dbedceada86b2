package dev.tessera.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The image files a command line names, in a fixed order, with a class label per file when they
 * come from a folder of class folders. A file argument is taken as it is; a folder argument
 * stands for the images inside it, sorted by path: either images directly in it (no labels) or
 * one subfolder per class, searched to any depth ({@code digits/0/a.png}, {@code digits/1/b.png},
 * as torchvision's {@code ImageFolder} and {@code examples/python/tokenize_folder.py} read them).
 * A file's label is the index of its class among the sorted class names.
 *
 * @param files the image files, in order
 * @param labels the class index of each file, or null when the files have no classes
 * @param classes the class names (label i names class i); empty when unlabelled
 */
public record ImageFileSet(List<Path> files, int[] labels, List<String> classes) {

    /** Checks that labels, when given, match the files one to one. */
    public ImageFileSet {
        files = List.copyOf(files);
        classes = List.copyOf(classes);
        if (labels != null && labels.length != files.size()) {
            throw new IllegalArgumentException(
                    "labels: expected one per file (" + files.size() + "), got " + labels.length);
        }
    }

    /**
     * The images {@code arguments} name, in order. Labels are kept when the only argument is a
     * folder of class folders.
     *
     * @throws IllegalArgumentException naming the argument when a folder holds no images, both
     *     images and class folders, or is a class folder given together with other arguments
     * @throws IOException if a folder cannot be listed
     */
    public static ImageFileSet of(List<Path> arguments) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path argument : arguments) {
            if (!Files.isDirectory(argument)) {
                files.add(argument);
                continue;
            }
            List<String> classes = classFolders(argument);
            List<Path> direct = imagesIn(argument, 1);
            if (classes.isEmpty()) {
                if (direct.isEmpty()) {
                    throw new IllegalArgumentException(
                            argument + ": a folder without .png, .jpg or .jpeg files");
                }
                files.addAll(direct);
            } else if (!direct.isEmpty()) {
                throw new IllegalArgumentException(
                        argument
                                + ": holds both images ("
                                + direct.get(0).getFileName()
                                + ", ...) and class folders ("
                                + classes.get(0)
                                + ", ...); move the images into a class folder");
            } else if (arguments.size() > 1) {
                throw new IllegalArgumentException(
                        argument
                                + ": a folder of class folders must be the only image argument,"
                                + " so that every image has a label");
            } else {
                return labelled(argument, classes);
            }
        }
        return new ImageFileSet(files, null, List.of());
    }

    private static ImageFileSet labelled(Path root, List<String> classes) throws IOException {
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            for (Path file : imagesIn(root.resolve(classes.get(label)), Integer.MAX_VALUE)) {
                files.add(file);
                labels.add(label);
            }
        }
        return new ImageFileSet(
                files, labels.stream().mapToInt(Integer::intValue).toArray(), classes);
    }

    /** The sorted names of the subfolders of {@code dir} that hold images at any depth. */
    private static List<String> classFolders(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path child : children.sorted().toList()) {
                if (Files.isDirectory(child)
                        && !child.getFileName().toString().startsWith(".")
                        && !imagesIn(child, Integer.MAX_VALUE).isEmpty()) {
                    names.add(child.getFileName().toString());
                }
            }
        }
        return names;
    }

    private static List<Path> imagesIn(Path dir, int depth) throws IOException {
        try (Stream<Path> walk = Files.walk(dir, depth)) {
            return walk.filter(p -> Files.isRegularFile(p) && ImageCodec.isImageFileName(p))
                    .sorted()
                    .toList();
        }
    }

    /** Whether the files have class labels. */
    public boolean labelled() {
        return labels != null;
    }

    /**
     * Writes the labels beside a token file: {@code STEM.labels.npy}, int64 {@code [N]}, and
     * {@code STEM.classes.txt}, line i naming class i, where {@code STEM} is the token file's name
     * without its extension; the names the Python tokenize program writes.
     *
     * @return the two files written
     * @throws IllegalStateException if the files have no labels
     */
    public List<Path> writeLabels(Path tokenFile) throws IOException {
        if (!labelled()) {
            throw new IllegalStateException("these image files have no class labels");
        }
        String name = Objects.requireNonNull(tokenFile.getFileName(), "tokenFile").toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        Path labelFile = tokenFile.resolveSibling(stem + ".labels.npy");
        Path classFile = tokenFile.resolveSibling(stem + ".classes.txt");
        TokenFile.writeAtomically(labelFile, NpyArray.int64(labels, labels.length).toBytes());
        StringBuilder lines = new StringBuilder();
        classes.forEach(c -> lines.append(c).append('\n'));
        TokenFile.writeAtomically(classFile, lines.toString().getBytes(StandardCharsets.UTF_8));
        return List.of(labelFile, classFile);
    }
}
