package dev.tessera.runtime.server.security;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Requires {@code authorization: Bearer <token>} metadata on every call, with a token from a token
 * file; a call without one, or with another, is closed {@code UNAUTHENTICATED} before it reaches
 * the service. Health checks and server reflection stay open, so that load balancers and
 * orchestrators can probe the server without a secret (they reveal model names and the API, not
 * data).
 *
 * <p>Tokens are compared in constant time. Without TLS they travel in clear text: use {@code
 * --tls-cert} on any network you do not trust.
 */
public final class BearerTokenInterceptor implements ServerInterceptor {

    /** Services reachable without a token. */
    public static final Set<String> OPEN_SERVICES =
            Set.of(
                    "grpc.health.v1.Health",
                    "grpc.reflection.v1.ServerReflection",
                    "grpc.reflection.v1alpha.ServerReflection");

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final List<byte[]> tokens;

    /**
     * @param tokens accepted tokens, at least one, none blank
     */
    public BearerTokenInterceptor(List<String> tokens) {
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("tokens: expected at least one token");
        }
        List<byte[]> bytes = new ArrayList<>();
        for (String t : tokens) {
            if (t.isBlank() || !t.equals(t.strip())) {
                throw new IllegalArgumentException(
                        "tokens: expected tokens without surrounding spaces, got a blank one");
            }
            bytes.add(t.getBytes(StandardCharsets.UTF_8));
        }
        this.tokens = List.copyOf(bytes);
    }

    /**
     * Reads a token file: one token per line; blank lines and lines starting with {@code #} are
     * skipped, so tokens can be rotated by listing the old and the new one for a while.
     *
     * @throws IOException naming the file if it cannot be read or holds no token
     */
    public static BearerTokenInterceptor fromFile(Path file) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException(
                    "--auth-token-file " + file + ": cannot be read (" + e.getMessage() + ")", e);
        }
        List<String> tokens = new ArrayList<>();
        for (String line : lines) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("#")) {
                tokens.add(t);
            }
        }
        if (tokens.isEmpty()) {
            throw new IOException(
                    "--auth-token-file "
                            + file
                            + ": holds no token; write one token per line (lines starting with #"
                            + " are comments)");
        }
        return new BearerTokenInterceptor(tokens);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String service = call.getMethodDescriptor().getServiceName();
        if (service != null && OPEN_SERVICES.contains(service)) {
            return next.startCall(call, headers);
        }
        String problem = check(headers.get(AUTHORIZATION));
        if (problem != null) {
            call.close(Status.UNAUTHENTICATED.withDescription(problem), new Metadata());
            return new ServerCall.Listener<>() {};
        }
        return next.startCall(call, headers);
    }

    /** Null when the header carries an accepted token, else what is wrong with it. */
    private String check(String header) {
        if (header == null) {
            return "missing authorization metadata; send \"authorization: Bearer <token>\" with a"
                    + " token from the server's --auth-token-file";
        }
        if (header.length() <= BEARER.length()
                || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return "authorization metadata: expected \"Bearer <token>\"";
        }
        byte[] offered = header.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        boolean accepted = false;
        for (byte[] token : tokens) {
            // No early exit, so that timing does not tell which token nearly matched.
            accepted |= MessageDigest.isEqual(token, offered);
        }
        return accepted ? null : "authorization metadata: the bearer token is not accepted";
    }
}
