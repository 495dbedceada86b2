package dev.tessera.train.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reads a safetensors file the way a Python user without the {@code safetensors} package would:
 * the header with {@code struct} and {@code json}, each tensor with {@code numpy.frombuffer}. Tests
 * that use it are skipped, with a message, where {@code python3} with numpy is not installed.
 */
public final class NumpyReader {

    /** Prints {"__metadata__": {...}, NAME: {"shape": [...], "bits": [uint32 of each value]}}. */
    private static final String SCRIPT =
            String.join(
                    "\n",
                    "import json, struct, sys",
                    "import numpy as np",
                    "with open(sys.argv[1], 'rb') as f:",
                    "    n = struct.unpack('<Q', f.read(8))[0]",
                    "    header = json.loads(f.read(n))",
                    "    data = f.read()",
                    "out = {'__metadata__': header.pop('__metadata__', {})}",
                    "for name, info in header.items():",
                    "    assert info['dtype'] == 'F32'",
                    "    begin, end = info['data_offsets']",
                    "    a = np.frombuffer(data[begin:end], dtype='<f4').reshape(info['shape'])",
                    "    bits = [int(b) for b in a.reshape(-1).view('<u4')]",
                    "    out[name] = {'shape': list(a.shape), 'bits': bits}",
                    "print(json.dumps(out))");

    private NumpyReader() {}

    /** What Python read from {@code file}, as the JSON the script prints. */
    public static JsonObject read(Path file) throws IOException, InterruptedException {
        assumeTrue(
                run("import numpy").exitCode() == 0,
                "python3 with numpy is not installed: Python readability not checked");
        Result result = run(SCRIPT, file.toString());
        if (result.exitCode() != 0) {
            throw new AssertionError("Python could not read " + file + ":\n" + result.output());
        }
        return JsonParser.parseString(result.output()).getAsJsonObject();
    }

    private record Result(int exitCode, String output) {}

    private static Result run(String script, String... args)
            throws IOException, InterruptedException {
        String[] command = new String[3 + args.length];
        command[0] = "python3";
        command[1] = "-c";
        command[2] = script;
        System.arraycopy(args, 0, command, 3, args.length);
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(-1, "python3 not found: " + e.getMessage());
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("python3 did not finish within 60 s");
        }
        return new Result(process.exitValue(), output);
    }
}
