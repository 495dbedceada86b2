package dev.tessera.runtime.client;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.TlsChannelCredentials;
import io.grpc.inprocess.InProcessChannelBuilder;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Opens the channel a {@link TokenizerClientConfig} describes, with gRPC's retries set up from its
 * {@link RetryPolicy}.
 */
final class ClientChannels {

    private ClientChannels() {}

    /**
     * @param timer runs an in-process channel's deadlines and retry waits (a test's manual clock);
     *     null for gRPC's own
     */
    static ManagedChannel open(TokenizerClientConfig config, ScheduledExecutorService timer) {
        if (config.inProcess()) {
            String name =
                    config.target().substring(TokenizerClientConfig.IN_PROCESS_PREFIX.length());
            InProcessChannelBuilder builder = InProcessChannelBuilder.forName(name);
            if (timer != null) {
                builder.scheduledExecutorService(timer);
            }
            return configure(builder, config).build();
        }
        ManagedChannelBuilder<?> builder;
        if (config.tls() == null) {
            builder = Grpc.newChannelBuilder(config.target(), InsecureChannelCredentials.create());
        } else {
            try {
                builder = Grpc.newChannelBuilder(config.target(), tls(config.tls()));
            } catch (IOException | RuntimeException e) {
                // The PEM files are parsed here, when the transport builds its SSL context.
                throw unreadable(config.tls(), e);
            }
        }
        return configure(builder, config).userAgent("tessera-client").build();
    }

    private static ManagedChannelBuilder<?> configure(
            ManagedChannelBuilder<?> builder, TokenizerClientConfig config) {
        builder.maxInboundMessageSize(config.maxInboundMessageBytes());
        RetryPolicy retry = config.retry();
        if (!retry.retries()) {
            return builder.disableRetry();
        }
        // gRPC caps a service config's maxAttempts at the channel's limit (5 unless raised).
        return builder.defaultServiceConfig(retry.serviceConfig())
                .enableRetry()
                .maxRetryAttempts(retry.maxAttempts())
                .perRpcBufferLimit(RetryPolicy.MAX_RETRIED_REQUEST_BYTES)
                .retryBufferSize(RetryPolicy.RETRY_BUFFER_BYTES);
    }

    private static ChannelCredentials tls(TlsSettings settings) throws IOException {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
        if (settings.trustedCertificates() != null) {
            tls.trustManager(settings.trustedCertificates().toFile());
        }
        if (settings.mutual()) {
            tls.keyManager(
                    settings.clientCertificateChain().toFile(),
                    settings.clientPrivateKey().toFile());
        }
        return tls.build();
    }

    private static IllegalArgumentException unreadable(TlsSettings settings, Exception e) {
        StringBuilder files = new StringBuilder();
        if (settings.trustedCertificates() != null) {
            files.append(settings.trustedCertificates());
        }
        if (settings.mutual()) {
            files.append(files.length() > 0 ? ", " : "")
                    .append(settings.clientCertificateChain())
                    .append(", ")
                    .append(settings.clientPrivateKey());
        }
        return new IllegalArgumentException(
                "cannot set up TLS from "
                        + (files.length() > 0 ? files : "the JVM's default trust store")
                        + " ("
                        + rootMessage(e)
                        + "); expected PEM certificates and a PKCS#8 PEM private key",
                e);
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : t.getMessage();
        return message != null ? message : root.getClass().getSimpleName();
    }
}
