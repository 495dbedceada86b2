package dev.tessera.runtime.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code tessera encode} and {@code tessera decode}: PNG files ↔ token files, with a tokenizer
 * directory in this process or on a server. Exit status 0 on success, 2 for a wrong command line, 1
 * when an input, the model or the server refuses; errors are one line, {@code --verbose} adds the
 * stack trace.
 */
final class TokenCommands {

    /** Images or token grids per call unless {@code --batch} says otherwise. */
    static final int DEFAULT_BATCH = 64;

    private static final String NL = System.lineSeparator();

    private static final String WHERE =
            String.join(
                    NL,
                    "  --model DIR             tokenizer directory, run in this process",
                    "  --server HOST:PORT      tessera server to run on instead",
                    "  --batch N               images or grids per call (default "
                            + DEFAULT_BATCH
                            + ")",
                    "  --verbose               print stack traces with errors",
                    "  --help                  print this help",
                    "",
                    "with --server:",
                    "  --name NAME             model name (default: the server's only model)",
                    "  --version V             model version (default: the highest)",
                    "  --tls                   use TLS, trusting the JVM's certificate authorities",
                    "  --tls-ca FILE           use TLS, trusting the CA certificates in FILE (PEM)",
                    "  --tls-cert FILE         client certificate chain for mutual TLS (PEM)",
                    "  --tls-key FILE          private key of --tls-cert (PKCS#8 PEM)",
                    "  --auth-token-file FILE  send the token in FILE as \"authorization: Bearer"
                            + " <token>\"",
                    "  --deadline SECONDS      time allowed per call, retries included (default"
                            + " 60)",
                    "");

    /** Printed by {@code tessera encode --help}. */
    static final String ENCODE_USAGE =
            String.join(
                            NL,
                            "usage: tessera encode (--model DIR | --server HOST:PORT) --out FILE"
                                    + " IMAGE...",
                            "",
                            "Encodes PNG (or JPEG) files into token grids. Every image must have"
                                    + " the model's width and",
                            "height (nothing is resized); grayscale and RGB files are converted"
                                    + " to the model's channels.",
                            "The token file's extension picks its format: .npy (int32 [N,h,w])"
                                    + " or .json (shape, ids,",
                            "and the model, version, K and image names).",
                            "",
                            "options:",
                            "  --out FILE              token file to write: FILE.npy or"
                                    + " FILE.json",
                            "")
                    + WHERE;

    /** Printed by {@code tessera decode --help}. */
    static final String DECODE_USAGE =
            String.join(
                            NL,
                            "usage: tessera decode (--model DIR | --server HOST:PORT) --tokens"
                                    + " FILE --out-dir DIR",
                            "",
                            "Decodes a token file (.npy or .json) into one PNG per grid. The PNGs"
                                    + " are named after the",
                            "images a .json file records (a.png, ...), else 000000.png,"
                                    + " 000001.png, ...; existing files",
                            "of those names are replaced. With --server and a .json file, the"
                                    + " recorded model and version",
                            "are used unless --name/--version say otherwise.",
                            "",
                            "options:",
                            "  --tokens FILE           token file to read",
                            "  --out-dir DIR           directory for the PNG files (created if"
                                    + " missing)",
                            "")
                    + WHERE;

    private final PrintStream out;
    private final PrintStream err;

    /**
     * @param out where results and help go
     * @param err where errors go
     */
    TokenCommands(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** True for the commands this class runs. */
    static boolean handles(String command) {
        return command.equals("encode") || command.equals("decode");
    }

    /**
     * Runs {@code encode} or {@code decode} with the arguments after the command name.
     *
     * @return the exit status
     */
    int run(String command, List<String> args) {
        if (!handles(command)) {
            throw new IllegalArgumentException("not a token command: " + command);
        }
        if (args.contains("--help") || args.contains("-h")) {
            out.print(command.equals("encode") ? ENCODE_USAGE : DECODE_USAGE);
            return 0;
        }
        boolean verbose = args.contains("--verbose");
        try {
            if (command.equals("encode")) {
                new EncodeCommand(out).run(EncodeArguments.parse(args));
            } else {
                new DecodeCommand(out).run(DecodeArguments.parse(args));
            }
            return 0;
        } catch (UsageException e) {
            err.println("error: " + e.getMessage());
            err.println("run 'tessera " + command + " --help' for usage");
            return 2;
        } catch (CommandFailedException e) {
            return fail("error: " + e.getMessage(), e, verbose);
        } catch (RuntimeException e) {
            return fail(
                    "error: unexpected "
                            + e.getClass().getSimpleName()
                            + ": "
                            + e.getMessage()
                            + (verbose ? "" : " (run with --verbose for details)"),
                    e,
                    verbose);
        }
    }

    private int fail(String line, Exception e, boolean verbose) {
        err.println(line);
        if (verbose) {
            e.printStackTrace(err);
        }
        return 1;
    }

    /**
     * @throws UsageException unless the file name ends in .npy or .json
     */
    static void requireTokenFileName(String command, String option, Path file)
            throws UsageException {
        try {
            TokenFile.Format.of(file);
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": " + option + " " + e.getMessage());
        }
    }

    /** A file-system failure as a few words: the JDK's messages are often only the path. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException || e instanceof FileAlreadyExistsException) {
            return "a file is in the way of a directory";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
