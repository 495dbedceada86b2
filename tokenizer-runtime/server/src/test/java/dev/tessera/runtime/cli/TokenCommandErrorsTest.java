package dev.tessera.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.format.TokenFile;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.testing.ImageFiles;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Failures of {@code tessera encode} and {@code decode}: exit status 2 for a wrong command line, 1
 * for a file, model or server that refuses, always with one line naming the file or setting.
 */
class TokenCommandErrorsTest extends CliTestBase {

    @Test
    void missingAndWrongImagesAreOneLineErrorsNamingTheFile() throws IOException {
        String missing = temp.resolve("images/none.png").toString();
        Path big = temp.resolve("images/big.png");
        Files.write(big, ImageFiles.gray("png", 16, 16, new byte[256]).toByteArray());
        Path text = temp.resolve("images/notes.png");
        Files.writeString(text, "not an image");
        Path out = temp.resolve("t.npy");
        for (List<String> where :
                List.of(
                        List.of("--model", model.toString()),
                        List.of("--server", serverAddress(), "--name", "toy"))) {
            String refused =
                    where.get(0).equals("--server")
                            ? "refused by server " + serverAddress() + ": "
                            : "";
            assertOneLineFailure(
                    "error: " + missing + ": no such file",
                    encode(where, out, images.get(0), missing));
            assertOneLineFailure(
                    "error: " + big + ": " + refused + "expected 8x8 pixels (width x height)",
                    encode(where, out, images.get(0), big.toString()));
            assertOneLineFailure(
                    "error: "
                            + text
                            + ": "
                            + refused
                            + (refused.isEmpty()
                                    ? "not a PNG or JPEG image"
                                    : "expected a PNG or JPEG image"),
                    encode(where, out, text.toString()));
            assertTrue(Files.notExists(out), "nothing written after a failure");
        }
    }

    private int encode(List<String> where, Path out, String... files) {
        List<String> all = new ArrayList<>(List.of("encode", "--out", out.toString()));
        all.addAll(where);
        all.addAll(List.of(files));
        return run(all.toArray(String[]::new));
    }

    private void assertOneLineFailure(String expectedStart, int status) {
        assertEquals(1, status, err());
        assertTrue(
                err().startsWith(expectedStart), "expected " + expectedStart + "\n got " + err());
        assertEquals(1, err().lines().count(), err());
    }

    @Test
    void tokensOutsideTheCodebookOrGridAreOneLineErrorsNamingTheTokenFile() throws IOException {
        Path tooBig = temp.resolve("k.json");
        new TokenFile(
                        new TokenBatch(2, 2, 2, new int[] {0, 1, 2, 3, 4, 5, 16, 7}),
                        "toy",
                        "1",
                        16,
                        List.of())
                .write(tooBig);
        Path negative = temp.resolve("neg.npy");
        TokenFile.of(new TokenBatch(1, 2, 2, new int[] {0, -1, 2, 3})).write(negative);
        Path wrongGrid = temp.resolve("grid.npy");
        TokenFile.of(new TokenBatch(1, 3, 3, new int[9])).write(wrongGrid);
        Path otherModel = temp.resolve("other.json");
        new TokenFile(new TokenBatch(1, 2, 2, new int[4]), "toy-rgb", "1", 16, List.of())
                .write(otherModel);
        Path dir = temp.resolve("out");
        for (List<String> where :
                List.of(
                        List.of("--model", model.toString()),
                        List.of("--server", serverAddress(), "--name", "toy"))) {
            assertOneLineFailure(
                    "error: "
                            + tooBig
                            + ": token id 16 of grid 1 (row 1, column 0) is outside [0,16), the"
                            + " codebook of model toy version 1",
                    decode(where, tooBig, dir));
            assertOneLineFailure(
                    "error: "
                            + negative
                            + ": token id -1 of grid 0 (row 0, column 1) is outside [0,16)",
                    decode(where, negative, dir));
            assertOneLineFailure(
                    "error: "
                            + wrongGrid
                            + ": holds grids of 3x3 tokens, but model toy version 1 decodes 2x2"
                            + " grids",
                    decode(where, wrongGrid, dir));
            assertOneLineFailure(
                    "error: "
                            + otherModel
                            + ": written by model toy-rgb version 1, but the model to decode with"
                            + " is toy version 1",
                    decode(where, otherModel, dir));
            assertTrue(Files.notExists(dir), "nothing written after a failure");
        }
        assertOneLineFailure(
                "error: " + temp.resolve("none.json") + ": no such file",
                decode(List.of("--model", model.toString()), temp.resolve("none.json"), dir));
    }

    private int decode(List<String> where, Path tokens, Path dir) {
        List<String> all =
                new ArrayList<>(
                        List.of(
                                "decode",
                                "--tokens",
                                tokens.toString(),
                                "--out-dir",
                                dir.toString()));
        all.addAll(where);
        return run(all.toArray(String[]::new));
    }

    @Test
    void serverProblemsAreOneLineErrors() throws IOException {
        Path out = temp.resolve("t.npy");
        assertOneLineFailure(
                "error: server "
                        + serverAddress()
                        + ": GetModel failed with NOT_FOUND: model.name: no model \"nope\"",
                encode(List.of("--server", serverAddress(), "--name", "nope"), out, images.get(0)));
        assertOneLineFailure(
                "error: server "
                        + serverAddress()
                        + ": GetModel failed with INVALID_ARGUMENT: model.name: expected one of"
                        + " [toy, toy-rgb]",
                encode(List.of("--server", serverAddress()), out, images.get(0)));
        Path emptyToken = temp.resolve("token.txt");
        Files.writeString(emptyToken, "\n");
        assertOneLineFailure(
                "error: --auth-token-file " + emptyToken + ": expected one line holding the token",
                encode(
                        List.of(
                                "--server",
                                serverAddress(),
                                "--auth-token-file",
                                emptyToken.toString()),
                        out,
                        images.get(0)));
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertOneLineFailure(
                "error: server 127.0.0.1:"
                        + port
                        + ": GetModel failed with UNAVAILABLE after 4 attempts",
                encode(
                        List.of("--server", "127.0.0.1:" + port, "--deadline", "10"),
                        out,
                        images.get(0)));
    }

    @Test
    void wrongCommandLinesExitWith2() {
        String m = model.toString();
        String[][] cases = {
            {"encode", "--model", m, "a.png"},
            {"encode", "--model", m, "--out", "t.txt", "a.png"},
            {"encode", "--out", "t.npy", "a.png"},
            {"encode", "--model", m, "--server", "h:1", "--out", "t.npy", "a.png"},
            {"encode", "--model", m, "--name", "toy", "--out", "t.npy", "a.png"},
            {"encode", "--model", m, "--out", "t.npy"},
            {"encode", "--model", m, "--out", "t.npy", "--batch", "0", "a.png"},
            {"encode", "--model", m, "--out", "t.npy", "--colour", "red", "a.png"},
            {"encode", "--model", m, "--out", "t.npy", "--out", "u.npy", "a.png"},
            {"encode", "--server", "h:1", "--tls-ca", "/no/such/ca.pem", "--out", "t.npy", "a.png"},
            {"encode", "--server", "h:1", "--tls-cert", "c.pem", "--out", "t.npy", "a.png"},
            {"decode", "--model", m, "--tokens", "t.npy"},
            {"decode", "--model", m, "--tokens", "t.csv", "--out-dir", "d"},
            {"decode", "--model", m, "--tokens", "t.npy", "--out-dir", "d", "extra"},
        };
        String[] expected = {
            "error: encode: expected --out FILE (a .npy or .json token file)",
            "error: encode: --out t.txt: expected a token file name ending in .npy or .json",
            "error: encode: expected either --model DIR (a tokenizer directory) or --server"
                    + " HOST:PORT",
            "error: encode: expected either --model DIR (a tokenizer directory) or --server"
                    + " HOST:PORT (a tessera server), not both",
            "error: encode: --name applies only with --server, not --model",
            "error: encode: expected one or more image files to encode",
            "error: encode: --batch expects an integer in 1..65536, got \"0\"",
            "error: encode: unknown option \"--colour\"",
            "error: encode: --out is given twice; give it once",
            "error: encode: trusted certificates: /no/such/ca.pem is not a file; expected a PEM"
                    + " file",
            "error: encode: --tls-cert and --tls-key go together",
            "error: decode: expected --out-dir DIR (where the PNG files go)",
            "error: decode: --tokens t.csv: expected a token file name ending in .npy or .json",
            "error: decode: unexpected argument \"extra\"; the token file goes after --tokens",
        };
        for (int i = 0; i < cases.length; i++) {
            assertEquals(2, run(cases[i]), String.join(" ", cases[i]) + ": " + err());
            assertTrue(
                    err().startsWith(expected[i]), "expected " + expected[i] + "\n got " + err());
            assertTrue(
                    err().endsWith(
                                    "run 'tessera "
                                            + cases[i][0]
                                            + " --help' for usage"
                                            + System.lineSeparator()),
                    err());
        }
    }
}
