package dev.tessera.train.data;

import dev.tessera.format.ImageCodec;
import dev.tessera.format.ImageFileException;
import dev.tessera.runtime.ImageBatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The image files of a folder, in a fixed order (sorted by path), with a class label per file when
 * the folder holds one subfolder per class.
 *
 * @param root the folder
 * @param files image files, sorted
 * @param labels label of each file (index into {@code classes}), or null when unlabelled
 * @param classes class names (the subfolder names), empty when unlabelled
 */
record FolderListing(Path root, List<Path> files, int[] labels, List<String> classes) {

    /** Whether {@code dir} or any folder below it holds an image file. */
    static boolean containsImages(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.anyMatch(p -> Files.isRegularFile(p) && ImageCodec.isImageFileName(p));
        }
    }

    /** Names of the subfolders of {@code dir} that hold images, sorted: the class names. */
    static List<String> classNames(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        for (Path sub : subfolders(dir)) {
            if (containsImages(sub)) {
                names.add(sub.getFileName().toString());
            }
        }
        return names;
    }

    /**
     * Lists {@code root}: either images directly inside it (unlabelled) or one subfolder per class.
     * {@code classes} fixes the label of each class name, so that a train and a test folder agree;
     * it must hold every class subfolder of {@code root}; null takes the subfolders of {@code root}
     * as the classes.
     */
    static FolderListing scan(Path root, List<String> classes) throws IOException {
        List<Path> direct;
        try (Stream<Path> list = Files.list(root)) {
            direct =
                    list.filter(p -> Files.isRegularFile(p) && ImageCodec.isImageFileName(p))
                            .sorted()
                            .collect(Collectors.toList());
        }
        List<String> own = classNames(root);
        if (own.isEmpty()) {
            return new FolderListing(root, direct, null, List.of());
        }
        if (!direct.isEmpty()) {
            throw new DataException(
                    root
                            + " holds both images ("
                            + direct.get(0).getFileName()
                            + ", ...) and class subfolders ("
                            + own.get(0)
                            + ", ...); move the images into a class subfolder or the"
                            + " subfolders out, so that every image has a label or none has");
        }
        return labelled(root, own, classes == null ? own : classes);
    }

    private static FolderListing labelled(Path root, List<String> own, List<String> classes)
            throws IOException {
        Map<Path, Integer> labelOf = new TreeMap<>();
        for (String name : own) {
            int label = classes.indexOf(name);
            if (label < 0) {
                throw new IllegalArgumentException("class " + name + " missing from " + classes);
            }
            try (Stream<Path> walk = Files.walk(root.resolve(name))) {
                walk.filter(p -> Files.isRegularFile(p) && ImageCodec.isImageFileName(p))
                        .forEach(p -> labelOf.put(p, label));
            }
        }
        List<Path> files = new ArrayList<>(labelOf.keySet());
        int[] labels = labelOf.values().stream().mapToInt(Integer::intValue).toArray();
        return new FolderListing(root, List.copyOf(files), labels, List.copyOf(classes));
    }

    private static List<Path> subfolders(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .collect(Collectors.toList());
        }
    }

    /** The label of file {@code i}, or -1 when unlabelled. */
    int label(int i) {
        return labels == null ? -1 : labels[i];
    }

    /** One line: the folder, its image count and classes. */
    String summary() {
        return root
                + ": "
                + files.size()
                + " images"
                + (classes.isEmpty() ? "" : " in " + classes.size() + " classes");
    }

    /**
     * The image in {@code file} at its own size: one channel when it is grayscale, else three.
     *
     * @throws DataException naming the file when it cannot be read or decoded
     */
    static ImageBatch read(Path file) {
        try {
            return ImageCodec.read(file);
        } catch (ImageFileException e) {
            throw new DataException("cannot read image " + file + ": " + e.getMessage(), e);
        }
    }
}
