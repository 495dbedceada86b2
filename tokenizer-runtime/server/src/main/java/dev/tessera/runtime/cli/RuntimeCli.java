package dev.tessera.runtime.cli;

import dev.tessera.runtime.artifact.TokenizerLoadException;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * Command line of the runtime jar: {@code serve} a set of tokenizer directories over gRPC; {@code
 * encode} and {@code decode} PNG files and token files (see {@link TokenCommands}).
 *
 * <p>Exit status 0 on success, 2 for a wrong command line, 1 when a model cannot be loaded or the
 * server cannot start. Errors are one line; {@code --verbose} adds the stack trace.
 */
public final class RuntimeCli {

    /** Printed by {@code --help}. */
    public static final String USAGE =
            String.join(
                    System.lineSeparator(),
                    "usage: tessera serve --model DIR [--model DIR ...] [--models REPOSITORY]"
                            + " [options]",
                    "",
                    "Serves tokenizers over gRPC: tessera.v1.TokenizerService (Encode, Decode,"
                            + " their streaming forms",
                    "EncodeStream and DecodeStream, ListModels, GetModel) with dynamic batching,"
                            + " grpc.health.v1 and",
                    "server reflection. Each model is named by the name and version in its"
                            + " tokenizer.json; a request",
                    "without a version gets the highest. SIGTERM or Ctrl-C drains the calls in"
                            + " flight, then exits 0.",
                    "",
                    "models:",
                    "  --model DIR                    tokenizer directory to serve as is; repeat"
                            + " for several models",
                    "  --models DIR                   model repository of DIR/<name>/<version>/"
                            + " tokenizer directories,",
                    "                                 hot reloaded: new versions load, removed ones"
                            + " unload",
                    "  --poll-interval-ms N           how often --models is scanned (default 2000;"
                            + " 0: at start only)",
                    "  --threads N                    ONNX Runtime intra-op threads per model"
                            + " (default: ONNX Runtime's)",
                    "  --cuda                         use the CUDA execution provider when"
                            + " available (else CPU)",
                    "",
                    "network:",
                    "  --host HOST                    address to bind (default 127.0.0.1; 0.0.0.0"
                            + " for every interface)",
                    "  --port PORT                    TCP port (default 50051; 0 picks a free"
                            + " port)",
                    "  --metrics-port PORT            Prometheus metrics at"
                            + " http://HOST:PORT/metrics (default 0: off)",
                    "  --keepalive-time-s N           ping a connection idle this long (default"
                            + " 60)",
                    "  --keepalive-timeout-s N        close it when the ping is not answered in"
                            + " time (default 20)",
                    "  --permit-keepalive-time-s N    shortest ping interval allowed to clients"
                            + " (default 10)",
                    "  --drain-timeout-s N            time calls in flight get to finish on"
                            + " shutdown (default 20)",
                    "",
                    "batching and limits (over a limit: RESOURCE_EXHAUSTED):",
                    "  --max-batch N                  most images or token grids per request and"
                            + " per model run",
                    "                                 (default 256)",
                    "  --max-delay-ms N               longest wait for a batch to fill (default 2;"
                            + " 0: never wait)",
                    "  --queue-size N                 most images or grids waiting per model"
                            + " (default 1024, at least",
                    "                                 --max-batch)",
                    "  --max-message-bytes N          largest request message (default 67108864 ="
                            + " 64 MiB)",
                    "  --max-concurrent-calls N       calls served at once over all connections"
                            + " (default 1024)",
                    "  --max-calls-per-connection N   calls at once on one connection (default 256;"
                            + " 0: no limit)",
                    "",
                    "security:",
                    "  --tls-cert FILE                serve TLS with this PEM certificate chain"
                            + " (needs --tls-key)",
                    "  --tls-key FILE                 PEM PKCS#8 private key of --tls-cert",
                    "  --tls-client-ca FILE           require client certificates signed by these"
                            + " PEM CAs (mutual TLS)",
                    "  --auth-token-file FILE         require \"authorization: Bearer <token>\""
                            + " with a token of FILE",
                    "                                 (one per line); health checks and reflection"
                            + " stay open",
                    "",
                    "  --verbose                      print stack traces with errors",
                    "  --help                         print this help",
                    "",
                    "other commands: tessera encode --help, tessera decode --help (PNG files <->"
                            + " token files)",
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
        if (TokenCommands.handles(list.get(0))) {
            return new TokenCommands(out, err).run(list.get(0), list.subList(1, list.size()));
        }
        if (list.contains("--help") || list.contains("-h") || list.get(0).equals("help")) {
            out.print(USAGE);
            return 0;
        }
        try {
            if (!list.get(0).equals("serve")) {
                throw new UsageException(
                        "unknown command \""
                                + list.get(0)
                                + "\"; the runtime has: serve, encode, decode");
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
                            err.println(
                                    "shutting down: draining calls in flight for up to "
                                            + args.server().drainTimeout().toSeconds()
                                            + " s");
                            boolean drained = command.drain();
                            err.println(
                                    drained
                                            ? "stopped after every call finished"
                                            : "stopped; calls still running after the drain"
                                                    + " timeout were cancelled");
                            err.flush();
                            // The JVM would report a SIGTERM as exit status 143; a drained stop
                            // is the expected way to end a server, so it exits 0.
                            Runtime.getRuntime().halt(0);
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
