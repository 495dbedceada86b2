package dev.tessera.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

/**
 * The demo, shortened to a few training steps: it serves over real TCP and reports the round trip.
 */
class DemoTest {

    @TempDir Path temp;

    @Test
    void shortDemoRoundTripsThroughTheServerAndWritesItsOutputs() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DemoOptions options =
                DemoOptions.parse(
                        new String[] {
                            "--out",
                            temp.toString(),
                            "--steps",
                            "8",
                            "--images",
                            "20",
                            "--device",
                            "cpu"
                        });
        Demo.DemoResult result =
                new Demo(options, new PrintStream(bytes, true, StandardCharsets.UTF_8)).run();
        String output = bytes.toString(StandardCharsets.UTF_8);

        assertEquals(20, result.tokens().count());
        assertEquals(
                20 * 64,
                result.matchingLibraryTokens(),
                "gRPC tokens equal the in-process library's");
        assertTrue(
                result.quality().mse() > 0 && result.quality().mse() < 0.2,
                "mse " + result.quality().mse());
        assertTrue(Files.isRegularFile(temp.resolve("tokenizer/tessera.json")));
        BufferedImage png = ImageIO.read(temp.resolve("reconstructions.png").toFile());
        assertEquals(2, png.getHeight() / (32 * 3), "two rows: originals above reconstructions");
        for (String expected :
                new String[] {
                    "mse",
                    "psnr",
                    "codebook usage",
                    "token grid of held-out image 0",
                    "server stopped",
                    "reconstructions.png"
                }) {
            assertTrue(output.contains(expected), "output mentions " + expected + ":\n" + output);
        }
    }

    @Test
    void unknownOptionIsAUsageError() {
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class,
                        () -> DemoOptions.parse(new String[] {"--stpes", "3"}));
        assertTrue(e.getMessage().contains("--stpes"));
    }
}
