package dev.tessera.runtime.server;

import io.grpc.MethodDescriptor;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A gRPC marshaller that passes message bytes through untouched, so that tests can send bytes a
 * generated stub would never produce (truncated, garbled or oversized messages).
 */
final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {

    private static final RawBytes INSTANCE = new RawBytes();

    private RawBytes() {}

    /** {@code typed} with raw bytes for request and response. */
    static MethodDescriptor<byte[], byte[]> method(MethodDescriptor<?, ?> typed) {
        return typed.toBuilder(INSTANCE, INSTANCE).build();
    }

    @Override
    public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
        try {
            return stream.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
