package dev.tessera.runtime.cli;

import dev.tessera.runtime.TokenizerLoadException;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Command line of the runtime jar: {@code serve} a set of tokenizer directories over gRPC.
 *
 * <p>Exit status 0 on success, 2 for a wrong command line, 1 when a model cannot be loaded or the
 * server cannot start. Errors are one line; {@code --verbose} adds the stack trace.
 */
public final class RuntimeCli {

    /** Printed by {@code --help}. */
    public static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera serve --model DIR [--model DIR ...] [options]",
                    "",
                    "Serves tokenizer directories over gRPC (tessera.v1.TokenizerService,"
                        + " grpc.health.v1,",
                    "server reflection). Each model is named by the name and version in its"
                        + " tokenizer.json.",
                    "",
                    "options:",
                    "  --model DIR       tokenizer directory to serve; repeat for several models",
                    "  --host HOST       address to bind (default 127.0.0.1; 0.0.0.0 for every"
                        + " interface)",
                    "  --port PORT       TCP port (default 50051; 0 picks a free port)",
                    "  --max-batch N     most images or token grids per request (default 256)",
                    "  --threads N       ONNX Runtime intra-op threads per model (default: ONNX"
                        + " Runtime's)",
                    "  --cuda            use the CUDA execution provider when available (else CPU)",
                    "  --verbose         print stack traces with errors",
                    "  --help            print this help",
                    "");

    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param out where results and help go
     * @param err where errors go
     */
    public RuntimeCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the command line and exits with its status (blocks while serving). */
    public static void main(String[] args) {
        int status = new RuntimeCli(System.out, System.err).run(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs one command line; {@code serve} blocks until the JVM is asked to stop.
     *
     * @return the exit status
     */
    public int run(String... args) {
        List<String> list = Arrays.asList(args);
        boolean verbose = list.contains("--verbose");
        if (list.isEmpty()) {
            err.print(USAGE);
            return 2;
        }
        if (list.contains("--help") || list.contains("-h") || list.get(0).equals("help")) {
            out.print(USAGE);
            return 0;
        }
        try {
            if (!list.get(0).equals("serve")) {
                throw new UsageException(
                        "unknown command \"" + list.get(0) + "\"; the runtime has: serve");
            }
            return serve(ServeArguments.parse(list.subList(1, list.size())));
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("run 'tessera serve --help' for usage");
            return 2;
        } catch (TokenizerLoadException | IOException | IllegalArgumentException e) {
            return fail(e, verbose);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail(e, verbose);
        } catch (RuntimeException e) {
            err.println(
                    "error: unexpected "
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage()
                            + (verbose ? "" : " (run with --verbose for details)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    private int serve(ServeArguments args) throws IOException, InterruptedException {
        ServeCommand command = ServeCommand.start(args, out);
        Thread hook =
                new Thread(
                        () -> {
                            err.println("shutting down");
                            command.close();
                        },
                        "tessera-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        command.awaitTermination();
        return 0;
    }

    private int fail(Exception e, boolean verbose) {
        err.println("error: " + e.getMessage());
        if (verbose) {
            e.printStackTrace(err);
        }
        return 1;
    }
}
