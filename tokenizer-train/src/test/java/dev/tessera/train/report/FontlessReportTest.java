package dev.tessera.train.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A machine without fonts (a container, the GPU node this project trains on): AWT finds no font
 * through fontconfig and throws {@code Error: Probable fatal error: No physical fonts found} at the
 * first chart. Each test writes a report in a fresh JVM whose fontconfig sees an empty
 * configuration ({@code FONTCONFIG_FILE}), which reproduces that machine.
 */
class FontlessReportTest {

    @TempDir Path temp;

    /** Writes {@link TrainingReportTest#sampleData()} into {@code args[0]}; warnings to stdout. */
    public static void main(String[] args) throws IOException {
        TrainingReport.write(
                Path.of(args[0]), TrainingReportTest.sampleData(), w -> System.out.println(w));
    }

    private record Run(int status, String output) {}

    private Run writeReportWithoutFonts(Path dir, String... jvmOptions)
            throws IOException, InterruptedException {
        Path emptyConfig = temp.resolve("fonts.conf");
        Files.writeString(emptyConfig, "<?xml version=\"1.0\"?>\n<fontconfig></fontconfig>\n");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(
                List.of(
                        "-cp",
                        System.getProperty("java.class.path"),
                        FontlessReportTest.class.getName(),
                        dir.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("FONTCONFIG_FILE", emptyConfig.toString());
        builder.environment().remove("FONTCONFIG_PATH");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the report JVM did not finish");
        return new Run(process.exitValue(), output);
    }

    @Test
    void chartsAreDrawnWithTheFontsTheJarCarries() throws Exception {
        Path dir = temp.resolve("report");
        Run run = writeReportWithoutFonts(dir);
        assertEquals(0, run.status(), run.output());
        assertFalse(run.output().contains("charts left out"), run.output());
        for (String png :
                List.of(
                        TrainingReport.RECONSTRUCTIONS_PNG,
                        TrainingReport.CODE_USAGE_PNG,
                        TrainingReport.LOSS_PNG,
                        TrainingReport.USAGE_PNG)) {
            assertTrue(Files.size(dir.resolve(png)) > 1000, png);
        }
        String page = Files.readString(dir.resolve(TrainingReport.HTML));
        assertTrue(page.contains("<img src=\"loss.png\""), page);
    }

    @Test
    void withoutTheCarriedFontsThePageIsWrittenWithoutChartsAndOneWarning() throws Exception {
        Path dir = temp.resolve("report");
        // A font configuration that does not exist: AWT falls back to fontconfig, which has none.
        Run run =
                writeReportWithoutFonts(
                        dir, "-D" + ReportFonts.PROPERTY + "=" + temp.resolve("missing"));
        assertEquals(0, run.status(), run.output());
        long warnings = run.output().lines().filter(l -> l.contains("charts left out")).count();
        assertEquals(1, warnings, run.output());
        // AWT's two ways of finding no font: none configured, or none found where configured.
        assertTrue(
                run.output().contains("Fontconfig head is null")
                        || run.output().contains("No physical fonts found"),
                run.output());
        assertTrue(Files.exists(dir.resolve(TrainingReport.RECONSTRUCTIONS_PNG)));
        assertFalse(Files.exists(dir.resolve(TrainingReport.LOSS_PNG)));
        String page = Files.readString(dir.resolve(TrainingReport.HTML));
        assertTrue(page.contains("The chart could not be drawn here"), page);
    }
}
