package dev.tessera.train.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.ConvBackbone;
import dev.tessera.train.quantize.GmVqConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The same tokenizer trained in plain PyTorch eager ({@code gmvq_reference.py}), in a Python
 * process that stays up between measurement windows, so that windows of Tessera and of PyTorch can
 * alternate. Python gets the same images (a raw uint8 file) and the same architecture, quantizer
 * and optimiser settings, and reports its parameter counts so that the two networks can be
 * compared.
 */
final class PyTorchReference implements AutoCloseable {

    /** One timed window: {@code steps} steps of {@code batch} images in {@code seconds}. */
    record Window(int batch, int steps, double seconds, double loss) {
        double imagesPerSecond() {
            return batch * (double) steps / seconds;
        }
    }

    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path images;
    private final JsonObject ready;

    /**
     * Starts {@code python script} on {@code images} with the settings given.
     *
     * @param device "cpu" or "cuda"
     * @param threads PyTorch's intra-op threads; 0 for its default
     */
    PyTorchReference(
            String python,
            Path script,
            ImageBatch images,
            Architecture arch,
            GmVqConfig gmvq,
            double learningRate,
            long seed,
            String device,
            int threads,
            boolean cudnnBenchmark)
            throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IOException(
                    "no PyTorch reference at "
                            + script
                            + "; run from the project root or give --script PATH");
        }
        this.images = Files.createTempFile("tessera-bench-", ".u8");
        Files.write(this.images, images.pixels());
        List<String> command = new ArrayList<>();
        command.addAll(List.of(python, script.toString(), "--images", this.images.toString()));
        add(command, "count", images.count());
        add(command, "channels", images.channels());
        add(command, "height", images.height());
        add(command, "width-px", images.width());
        ConvBackbone conv = convBackbone(arch);
        add(command, "width", conv.width());
        add(command, "downsample", conv.downsample());
        add(command, "residual-blocks", conv.residualBlocks());
        add(command, "depth", conv.depth());
        add(command, "codebook-size", gmvq.codebookSize());
        add(command, "code-dim", gmvq.codeDim());
        add(command, "beta", gmvq.beta());
        add(command, "gamma", gmvq.gamma());
        add(command, "tau0", gmvq.tau0());
        add(command, "tau-min", gmvq.tauMin());
        add(command, "noise-variance", gmvq.noiseVariance());
        add(command, "lr", learningRate);
        add(command, "seed", seed);
        add(command, "device", device);
        add(command, "threads", threads);
        if (cudnnBenchmark) {
            command.add("--cudnn-benchmark");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (threads > 0) {
            builder.environment().put("OMP_NUM_THREADS", String.valueOf(threads));
        }
        this.process = builder.start();
        this.out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.ready = read("start");
    }

    private static void add(List<String> command, String name, Object value) {
        command.add("--" + name);
        command.add(String.valueOf(value));
    }

    /** What Python said at start: torch version, device, parameter counts. */
    JsonObject ready() {
        return ready;
    }

    /** Runs {@code warmup} untimed and {@code steps} timed steps of {@code batch} images. */
    Window window(int batch, int warmup, int steps) throws IOException {
        JsonObject request = new JsonObject();
        request.addProperty("batch", batch);
        request.addProperty("warmup", warmup);
        request.addProperty("steps", steps);
        in.write(request + "\n");
        in.flush();
        JsonObject r = read("a window of batch " + batch);
        return new Window(
                r.get("batch").getAsInt(),
                r.get("steps").getAsInt(),
                r.get("seconds").getAsDouble(),
                r.get("loss").getAsDouble());
    }

    private JsonObject read(String what) throws IOException {
        String line = out.readLine();
        if (line == null) {
            throw new IOException(
                    "the PyTorch reference ended during " + what + " (its errors are above)");
        }
        return JsonParser.parseString(line).getAsJsonObject();
    }

    @Override
    public void close() throws IOException {
        in.close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        } finally {
            Files.deleteIfExists(images);
        }
    }

    /** The reference script builds the plain network only. */
    static ConvBackbone convBackbone(Architecture arch) {
        if (arch.backbone() instanceof ConvBackbone conv) {
            return conv;
        }
        throw new IllegalArgumentException(
                "the PyTorch reference builds --arch conv only, not " + arch.backbone().family());
    }
}
