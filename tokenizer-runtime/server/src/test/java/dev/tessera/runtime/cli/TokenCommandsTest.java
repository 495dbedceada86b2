package dev.tessera.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.format.ImageCodec;
import dev.tessera.format.TokenFile;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.testing.ToyImages;
import dev.tessera.runtime.testing.ToyTokenizer;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * {@code tessera encode} and {@code decode} through {@link RuntimeCli}, in process and against a
 * real server on localhost: the same files either way, and the library's tokens and pixels.
 */
class TokenCommandsTest extends CliTestBase {

    @Test
    void encodeWritesNpyAndJsonWithTheLibrarysTokens() throws Exception {
        Path npy = temp.resolve("t.npy");
        Path json = temp.resolve("t.json");
        assertEquals(
                0,
                run(args("encode", "--model", model.toString(), "--out", npy.toString())),
                err());
        assertEquals(
                "encoded 3 images with model toy version 1 (tokenizer directory "
                        + model
                        + ") into "
                        + npy
                        + ": shape [3,2,2], ids in [0,16)"
                        + System.lineSeparator(),
                out());
        assertEquals(
                0,
                run(args("encode", "--model", model.toString(), "--out", json.toString())),
                err());

        TokenBatch expected = new TokenBatch(3, 2, 2, EXPECTED_IDS);
        assertEquals(TokenFile.of(expected), TokenFile.read(npy));
        assertEquals(
                new TokenFile(
                        expected,
                        "toy",
                        "1",
                        16,
                        List.of("quadrants.png", "gray37.png", "rgb.png")),
                TokenFile.read(json));
        List<byte[]> files = new ArrayList<>();
        for (String image : images) {
            files.add(Files.readAllBytes(Path.of(image)));
        }
        ImageBatch pixels = ImageCodec.readForModel(files, 1, 8, 8);
        assertEquals(tokenizer.encode(pixels), expected, "the library agrees");
    }

    @Test
    void decodeWritesOnePngPerGridWithTheLibrarysPixels() throws Exception {
        Path json = temp.resolve("t.json");
        Path npy = temp.resolve("t.npy");
        run(args("encode", "--model", model.toString(), "--out", json.toString()));
        run(args("encode", "--model", model.toString(), "--out", npy.toString()));
        ImageBatch expected = tokenizer.decode(new TokenBatch(3, 2, 2, EXPECTED_IDS));

        Path named = temp.resolve("named");
        assertEquals(
                0,
                run(
                        "decode",
                        "--model",
                        model.toString(),
                        "--tokens",
                        json.toString(),
                        "--out-dir",
                        named.toString()),
                err());
        assertTrue(out().startsWith("decoded 3 token grids with model toy version 1"), out());
        assertEquals(expected, readPngs(named, "quadrants.png", "gray37.png", "rgb.png"));

        Path numbered = temp.resolve("numbered");
        assertEquals(
                0,
                run(
                        "decode",
                        "--model",
                        model.toString(),
                        "--tokens",
                        npy.toString(),
                        "--out-dir",
                        numbered.toString()),
                err());
        assertEquals(expected, readPngs(numbered, "000000.png", "000001.png", "000002.png"));
        try (var files = Files.list(numbered)) {
            assertEquals(3, files.count());
        }
    }

    private static ImageBatch readPngs(Path dir, String... names) throws IOException {
        byte[] pixels = new byte[names.length * 64];
        for (int i = 0; i < names.length; i++) {
            BufferedImage image = ImageIO.read(dir.resolve(names[i]).toFile());
            assertEquals(BufferedImage.TYPE_BYTE_GRAY, image.getType());
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    pixels[i * 64 + y * 8 + x] = (byte) image.getRaster().getSample(x, y, 0);
                }
            }
        }
        return new ImageBatch(names.length, 1, 8, 8, pixels);
    }

    @Test
    void theServerPathWritesTheSameFilesAsTheInProcessPath() throws Exception {
        for (String name : List.of("t.npy", "t.json")) {
            Path local = temp.resolve("local-" + name);
            Path remote = temp.resolve("remote-" + name);
            assertEquals(
                    0,
                    run(args("encode", "--model", model.toString(), "--out", local.toString())),
                    err());
            assertEquals(
                    0,
                    run(
                            args(
                                    "encode",
                                    "--server",
                                    serverAddress(),
                                    "--name",
                                    "toy",
                                    "--batch",
                                    "2",
                                    "--out",
                                    remote.toString())),
                    err());
            assertTrue(out().contains("(server " + serverAddress() + ")"), out());
            assertArrayEquals(Files.readAllBytes(local), Files.readAllBytes(remote), name);

            Path localDir = temp.resolve("local-" + name + "-png");
            Path remoteDir = temp.resolve("remote-" + name + "-png");
            assertEquals(
                    0,
                    run(
                            "decode",
                            "--model",
                            model.toString(),
                            "--tokens",
                            local.toString(),
                            "--out-dir",
                            localDir.toString()),
                    err());
            // Without --name a JSON file's recorded model is asked for; a .npy file records none,
            // and this server holds several models, so it must be named.
            List<String> decode =
                    new ArrayList<>(
                            List.of(
                                    "decode",
                                    "--server",
                                    serverAddress(),
                                    "--tokens",
                                    remote.toString(),
                                    "--out-dir",
                                    remoteDir.toString(),
                                    "--batch",
                                    "2"));
            if (name.endsWith(".npy")) {
                decode.addAll(List.of("--name", "toy"));
            }
            assertEquals(0, run(decode.toArray(String[]::new)), err());
            List<Path> pngs;
            try (var files = Files.list(localDir)) {
                pngs = files.sorted().toList();
            }
            assertEquals(3, pngs.size());
            for (Path png : pngs) {
                assertArrayEquals(
                        Files.readAllBytes(png),
                        Files.readAllBytes(remoteDir.resolve(png.getFileName())),
                        png.toString());
            }
        }
    }

    /**
     * With a model whose token is the pixel itself (K=256, one token per pixel), the tokens show
     * exactly how each path turned a file into pixels: both must give the documented values.
     */
    @Test
    void bothPathsReadImageFilesIntoTheSamePixels() throws Exception {
        Path identity = new ToyTokenizer("identity", "1", 1, 8, 8, 8, 8, 256).writeTo(temp);
        registry.register(Tokenizer.open(identity));
        Path dir = temp.resolve("images");
        BufferedImage deep = new BufferedImage(8, 8, BufferedImage.TYPE_USHORT_GRAY);
        BufferedImage colour = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        int[] expected = new int[3 * 64];
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                int sample = (x * 8 + y) * 1031 + 7;
                deep.getRaster().setSample(x, y, 0, sample);
                expected[y * 8 + x] = (int) Math.round(sample * 255.0 / 65535);
                int r = x * 31;
                int g = y * 29 + 3;
                int b = (x * y * 5) % 256;
                colour.setRGB(x, y, r << 16 | g << 8 | b);
                // ITU-R 601 luma, rounded half up (as Pillow's convert("L")).
                expected[64 + y * 8 + x] =
                        (int) Math.floor(0.299 * r + 0.587 * g + 0.114 * b + 0.5);
                expected[128 + y * 8 + x] = ToyImages.quadrants()[y * 8 + x] & 0xff;
            }
        }
        ImageIO.write(deep, "png", dir.resolve("deep.png").toFile());
        ImageIO.write(colour, "png", dir.resolve("colour.png").toFile());
        images =
                List.of(
                        dir.resolve("deep.png").toString(),
                        dir.resolve("colour.png").toString(),
                        dir.resolve("quadrants.png").toString());
        Path local = temp.resolve("local.npy");
        Path remote = temp.resolve("remote.npy");
        assertEquals(
                0,
                run(args("encode", "--model", identity.toString(), "--out", local.toString())),
                err());
        assertEquals(
                0,
                run(
                        args(
                                "encode",
                                "--server",
                                serverAddress(),
                                "--name",
                                "identity",
                                "--out",
                                remote.toString())),
                err());
        assertArrayEquals(expected, TokenFile.read(local).tokens().ids(), "in process");
        assertArrayEquals(expected, TokenFile.read(remote).tokens().ids(), "through the server");
    }

    @Test
    void helpAndVerbose() {
        assertEquals(0, run("encode", "--help"));
        assertEquals(usage("encode"), out());
        assertTrue(
                out().startsWith("usage: tessera encode (--model DIR | --server HOST:PORT)"),
                out());
        assertEquals(0, run("decode", "-h"));
        assertEquals(usage("decode"), out());
        assertEquals(0, run("--help"));
        assertTrue(out().contains("tessera encode --help, tessera decode --help"), out());
        assertEquals(
                1,
                run(
                        "encode",
                        "--model",
                        temp.resolve("none").toString(),
                        "--out",
                        "t.npy",
                        "a.png",
                        "--verbose"));
        assertTrue(
                err().startsWith(
                                "error: cannot load tokenizer directory "
                                        + temp.resolve("none")
                                        + ": "),
                err());
        assertTrue(err().contains("\tat dev.tessera.runtime."), err());
    }

    private static String usage(String command) {
        return new RuntimeCli(System.out, System.err)
                .commandLine()
                .getSubcommands()
                .get(command)
                .getUsageMessage();
    }
}
