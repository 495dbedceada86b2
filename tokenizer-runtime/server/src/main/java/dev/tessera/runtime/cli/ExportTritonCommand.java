package dev.tessera.runtime.cli;

import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommandLines;
import dev.tessera.cli.CommonOptions;
import dev.tessera.cli.IntRange;
import dev.tessera.runtime.artifact.TokenizerDirectory;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.runtime.server.ServerConfig;
import dev.tessera.runtime.triton.TritonRepository;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code export-triton}: a tokenizer directory's encoder and decoder as the models {@code
 * NAME.encoder} and {@code NAME.decoder} of a Triton Inference Server model repository ({@link
 * TritonRepository}), batched as {@code tessera serve} batches them by default.
 */
@Command(
        name = "export-triton",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = "usage: tessera export-triton --model DIR --out REPOSITORY [options]%n",
        description = {
            "Writes a tokenizer's ONNX graphs as a Triton model repository.",
            "",
            "Writes the tokenizer's two ONNX graphs into a Triton model repository as"
                    + " NAME.encoder/VERSION/model.onnx and NAME.decoder/VERSION/model.onnx, each"
                    + " with a config.pbtxt (platform onnxruntime_onnx, dynamic batching, the"
                    + " tensors' names, types and dims; -1 for the height and width a model takes"
                    + " at any multiple of its downsampling factor). The directory is verified"
                    + " first, as tessera serve verifies it. Triton then serves the same models"
                    + " under the same names as tessera serve's KServe API.",
            ""
        })
final class ExportTritonCommand implements Callable<Integer> {

    private static final ServerConfig SERVE_DEFAULTS = ServerConfig.defaults();

    private final PrintStream out;

    @Spec private CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR", description = "tokenizer directory")
    private Path model;

    @Option(
            names = "--out",
            paramLabel = "REPOSITORY",
            description = "Triton model repository to write into (created if missing)")
    private Path repository;

    @Option(
            names = "--triton-version",
            paramLabel = "N",
            description =
                    "version directory, a positive integer (default: the model's version when it"
                            + " is one, else 1)")
    @IntRange(min = 1, max = Integer.MAX_VALUE)
    private Integer tritonVersion;

    @Option(
            names = "--max-batch",
            paramLabel = "N",
            description = "Triton's max_batch_size (default ${DEFAULT-VALUE}, as tessera serve)")
    @IntRange(min = 1, max = 1 << 16)
    private int maxBatch = SERVE_DEFAULTS.batching().maxBatch();

    @Option(
            names = "--max-delay-us",
            paramLabel = "US",
            description =
                    "Triton's max_queue_delay_microseconds (default ${DEFAULT-VALUE}, tessera"
                            + " serve's --max-delay-ms)")
    @IntRange(min = 0, max = Integer.MAX_VALUE)
    private int maxDelayMicros = (int) SERVE_DEFAULTS.batching().maxDelay().toNanos() / 1000;

    @Mixin private CommonOptions common;

    /**
     * @param out where the summary goes
     */
    ExportTritonCommand(PrintStream out) {
        this.out = out;
    }

    /**
     * @throws CommandFailedException if the directory cannot be loaded or a model version exists
     */
    @Override
    public Integer call() {
        if (model == null) {
            throw CommandLines.usageError(spec, "expected --model DIR (a tokenizer directory)");
        }
        if (repository == null) {
            throw CommandLines.usageError(spec, "expected --out REPOSITORY");
        }
        List<Path> written;
        long version;
        try {
            String tessera = TokenizerDirectory.readManifest(model).getVersion();
            version = tritonVersion != null ? tritonVersion : TritonRepository.versionFor(tessera);
            written =
                    TritonRepository.write(
                            model,
                            repository,
                            new TritonRepository.Settings(version, maxBatch, maxDelayMicros));
        } catch (TokenizerLoadException e) {
            throw new CommandFailedException(
                    "cannot load tokenizer directory " + model + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CommandFailedException(
                    "cannot write " + repository + ": " + CommandLines.reason(e), e);
        }
        for (Path m : written) {
            Path graph = m.resolve(Long.toString(version)).resolve(TritonRepository.MODEL_FILE);
            out.printf("wrote %s version %d: %s%n", m.getFileName(), version, graph);
        }
        out.printf("serve them with: tritonserver --model-repository %s%n", repository);
        return 0;
    }
}
