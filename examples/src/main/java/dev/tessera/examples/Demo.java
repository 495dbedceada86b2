package dev.tessera.examples;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.client.TokenizerClient;
import dev.tessera.runtime.server.ModelRegistry;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.server.TokenizerServer;
import dev.tessera.train.api.Devices;
import dev.tessera.train.api.ImageDataSet;
import dev.tessera.train.api.ImageSheet;
import dev.tessera.train.api.ReconstructionQuality;
import dev.tessera.train.api.TokenizerTraining;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tessera demo}: trains a small GM-VQ tokenizer on the built-in synthetic shapes, exports
 * it, serves it over gRPC on a free local port, sends held-out images through a real gRPC client
 * (Encode, then Decode), prints the round-trip metrics and one token grid, writes originals above
 * reconstructions as a PNG, and shuts the server down.
 */
public final class Demo {

    private static final int COLUMNS = 16;
    private static final int REQUEST_BATCH = 64;

    private final DemoOptions options;
    private final PrintStream out;

    public Demo(DemoOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        // Before anything starts DJL: the libtorch that tessera gpu-setup recorded, if any.
        Devices.applyRecordedGpuSettings(System.err::println);
        boolean verbose = List.of(args).contains("--verbose");
        try {
            DemoOptions options = DemoOptions.parse(args);
            if (options == null) {
                System.out.print(DemoOptions.USAGE);
                return;
            }
            new Demo(options, System.out).run();
        } catch (IllegalArgumentException e) {
            exit(e, verbose, 2);
        } catch (Exception e) {
            exit(e, verbose, 1);
        }
    }

    /** Reports {@code e} as one line (plus its stack trace with --verbose) and exits. */
    private static void exit(Exception e, boolean verbose, int status) {
        System.err.println("tessera demo: " + e.getMessage());
        if (verbose) {
            e.printStackTrace(System.err);
        }
        System.exit(status);
    }

    /** Runs the whole demo; returns the round-trip result. */
    public DemoResult run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        Path tokenizerDir = options.out().resolve("tokenizer");
        out.println(
                "== 1/4 training a GM-VQ tokenizer on synthetic shapes (CPU unless DJL sees a"
                        + " GPU)");
        TokenizerTraining train = options.training(tokenizerDir);
        train.run(out::println);

        out.println("== 2/4 serving it over gRPC");
        ImageBatch heldOut = ImageDataSet.syntheticShapes(options.images(), train.heldOutSeed());
        try (ModelRegistry registry = new ModelRegistry()) {
            Tokenizer tokenizer = Tokenizer.open(tokenizerDir);
            registry.register(tokenizer);
            try (TokenizerServer server =
                    TokenizerServer.start(registry, ServerConfig.defaults().withPort(0))) {
                String target = "127.0.0.1:" + server.port();
                out.println(
                        "server: "
                                + tokenizer.name()
                                + " version "
                                + tokenizer.version()
                                + " on "
                                + target);

                out.println("== 3/4 round trip through a gRPC client: Encode, then Decode");
                DemoResult result;
                try (TokenizerClient client = TokenizerClient.connect(target)) {
                    result = roundTrip(client, tokenizer, heldOut);
                }
                report(result, tokenizer);
                Path png = options.out().resolve("reconstructions.png");
                ImageSheet.write(
                        png,
                        List.of(heldOut, result.decoded()),
                        Math.min(COLUMNS, heldOut.count()),
                        3);

                out.println("== 4/4 shutting the server down");
                server.close();
                out.printf(
                        "server stopped; demo finished in %.0f s%n",
                        (System.nanoTime() - start) / 1e9);
                out.println("tokenizer directory: " + tokenizerDir.toAbsolutePath().normalize());
                out.println(
                        "originals (top) and reconstructions (bottom): "
                                + png.toAbsolutePath().normalize());
                return result;
            }
        }
    }

    private DemoResult roundTrip(TokenizerClient client, Tokenizer library, ImageBatch images) {
        // Pin the version the library opened, so both sides compare the same model.
        String model = library.name();
        String version = library.version();
        List<ImageBatch> decoded = new ArrayList<>();
        List<TokenBatch> tokens = new ArrayList<>();
        int matchesLibrary = 0;
        long started = System.nanoTime();
        for (int from = 0; from < images.count(); from += REQUEST_BATCH) {
            ImageBatch batch = images.slice(from, Math.min(images.count(), from + REQUEST_BATCH));
            TokenBatch batchTokens = client.encode(model, version, batch);
            tokens.add(batchTokens);
            decoded.add(client.decode(model, version, batchTokens));
            int[] direct = library.encode(batch).ids();
            for (int i = 0; i < direct.length; i++) {
                if (direct[i] == batchTokens.ids()[i]) {
                    matchesLibrary++;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        ImageBatch allDecoded = ImageBatch.concat(decoded);
        TokenBatch allTokens = TokenBatch.concat(tokens);
        return new DemoResult(
                allTokens,
                allDecoded,
                ReconstructionQuality.of(images, allDecoded, allTokens, library.codebookSize()),
                matchesLibrary,
                seconds);
    }

    private void report(DemoResult r, Tokenizer tokenizer) {
        out.printf(
                "round trip of %d held-out images (%d gRPC calls in %.2f s):%n",
                r.tokens().count(),
                2 * ((r.tokens().count() + REQUEST_BATCH - 1) / REQUEST_BATCH),
                r.seconds());
        out.printf("  mse %.5f   psnr %.2f dB%n", r.quality().mse(), r.quality().psnr());
        out.printf(
                "  codebook usage %.3f (%d of %d codes), perplexity %.1f%n",
                r.quality().usage(),
                r.quality().usedCodes(),
                tokenizer.codebookSize(),
                r.quality().perplexity());
        out.printf(
                "  tokens equal to the in-process library: %d of %d%n",
                r.matchingLibraryTokens(), r.tokens().ids().length);
        out.printf(
                "token grid of held-out image 0 (%dx%d, ids in [0,%d)):%n",
                r.tokens().height(), r.tokens().width(), tokenizer.codebookSize());
        int digits = String.valueOf(tokenizer.codebookSize() - 1).length();
        for (int y = 0; y < r.tokens().height(); y++) {
            StringBuilder line = new StringBuilder("  ");
            for (int x = 0; x < r.tokens().width(); x++) {
                line.append(String.format("%" + (digits + 1) + "d", r.tokens().id(0, y, x)));
            }
            out.println(line);
        }
    }

    /**
     * What the round trip measured.
     *
     * @param tokens token grids returned by Encode
     * @param decoded images returned by Decode
     * @param quality pixel error of the decoded images against the originals, and code usage over
     *     the returned tokens
     * @param matchingLibraryTokens tokens equal to those of the in-process library for the same
     *     images
     * @param seconds wall time of the gRPC calls
     */
    public record DemoResult(
            TokenBatch tokens,
            ImageBatch decoded,
            ReconstructionQuality quality,
            int matchingLibraryTokens,
            double seconds) {}
}
