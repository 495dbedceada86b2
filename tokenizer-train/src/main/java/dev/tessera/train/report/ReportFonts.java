package dev.tessera.train.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Points AWT at DejaVu Sans, which this jar carries, for every logical font (SansSerif, Dialog,
 * …), so that charts get their text on any machine. Without it AWT asks the system's fontconfig
 * for fonts, and on a machine that has none (a container, a GPU node) the first chart throws
 * {@code java.lang.Error: Probable fatal error: No physical fonts found}.
 *
 * <p>AWT reads the font configuration named by the system property {@value #PROPERTY} once, when
 * it first needs a font. This class writes such a configuration and the font files into a
 * temporary directory (removed at exit) and sets the property, unless it is already set: by the
 * user, or by an earlier call. It has no effect once AWT has loaded its fonts. The same text then
 * looks the same on every machine.
 */
final class ReportFonts {

    static final String PROPERTY = "sun.awt.fontconfig";

    private static final String RESOURCES = "fonts/";
    private static final String REGULAR = "DejaVuSans.ttf";
    private static final String BOLD = "DejaVuSans-Bold.ttf";
    private static final List<String> LOGICAL =
            List.of("dialog", "sansserif", "serif", "monospaced", "dialoginput");

    private ReportFonts() {}

    /** Installs the carried fonts as AWT's font configuration, unless one is set already. */
    static synchronized void install() {
        if (System.getProperty(PROPERTY) != null) {
            return;
        }
        try {
            Path dir = Files.createTempDirectory("tessera-fonts-");
            dir.toFile().deleteOnExit();
            Path regular = extract(dir, REGULAR);
            Path bold = extract(dir, BOLD);
            Path config = dir.resolve("fontconfig.properties");
            config.toFile().deleteOnExit();
            Files.writeString(config, configuration(regular, bold), StandardCharsets.ISO_8859_1);
            System.setProperty(PROPERTY, config.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the report fonts: " + e.getMessage(), e);
        }
    }

    /**
     * A font configuration in the JDK's {@code fontconfig.properties} format: every style of every
     * logical font mapped to the regular or bold face.
     */
    static String configuration(Path regular, Path bold) {
        StringBuilder out = new StringBuilder("version=1\nsequence.allfonts=latin-1\n");
        for (String logical : LOGICAL) {
            for (String style : List.of("plain", "bold", "italic", "bolditalic")) {
                String face = style.startsWith("bold") ? "DejaVu Sans Bold" : "DejaVu Sans";
                out.append(logical).append('.').append(style).append(".latin-1=").append(face);
                out.append('\n');
            }
        }
        // Backslashes in a properties file escape; a path takes forward slashes on every system.
        out.append("filename.DejaVu_Sans=").append(slashes(regular)).append('\n');
        out.append("filename.DejaVu_Sans_Bold=").append(slashes(bold)).append('\n');
        return out.toString();
    }

    private static String slashes(Path path) {
        return path.toAbsolutePath().toString().replace('\\', '/');
    }

    private static Path extract(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        try (InputStream in = ReportFonts.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("the jar lacks " + RESOURCES + name);
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        file.toFile().deleteOnExit();
        return file;
    }
}
