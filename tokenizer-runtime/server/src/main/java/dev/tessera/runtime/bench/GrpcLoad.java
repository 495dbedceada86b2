package dev.tessera.runtime.bench;

import dev.tessera.runtime.measure.MeasurementPlan;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A closed-loop gRPC load from this process: {@code callers} callers spread over {@code
 * connections} HTTP/2 connections, each sending its next unary call as soon as the previous one is
 * answered. The calls are asynchronous and their answers handled on the transport's threads, so a
 * few threads drive hundreds of callers and the load generator takes little of the machine it
 * shares with the server.
 */
final class GrpcLoad implements AutoCloseable {

    private static final int MAX_MESSAGE_BYTES = 256 << 20;
    private static final long DEADLINE_SECONDS = 120;

    private final List<ManagedChannel> channels = new ArrayList<>();

    /**
     * @param target {@code host:port} of the server
     * @param connections HTTP/2 connections to open, ≥ 1
     */
    GrpcLoad(String target, int connections) {
        for (int i = 0; i < connections; i++) {
            channels.add(
                    NettyChannelBuilder.forTarget(target)
                            .usePlaintext()
                            .directExecutor()
                            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
                            .build());
        }
    }

    /** The first connection, for the calls that set up the load (model lookup). */
    ManagedChannel channel() {
        return channels.get(0);
    }

    /**
     * Runs the load through a warm-up and measured windows.
     *
     * @param requests caller {@code c} sends them in turn, starting at an offset of its own
     * @param itemsPerCall images or grids per request, for the rate
     * @param marks told when the measured windows start and end
     * @throws Exception the first failed call: a load with failures measures nothing
     */
    <Q, R> LoadWindows.Result run(
            MethodDescriptor<Q, R> method,
            List<Q> requests,
            int callers,
            int itemsPerCall,
            MeasurementPlan timing,
            LoadWindows.Marks marks)
            throws Exception {
        LoadWindows load = new LoadWindows(callers, itemsPerCall);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(callers);
        for (int c = 0; c < callers; c++) {
            new Caller<>(c, method, requests, load, stop, stopped).next(0);
        }
        try {
            return load.measure(callers, timing, marks);
        } finally {
            stop.set(true);
            stopped.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** One caller's loop: each answer sends the next call. */
    private final class Caller<Q, R> {
        final int index;
        final MethodDescriptor<Q, R> method;
        final List<Q> requests;
        final LoadWindows load;
        final AtomicBoolean stop;
        final CountDownLatch stopped;

        Caller(
                int index,
                MethodDescriptor<Q, R> method,
                List<Q> requests,
                LoadWindows load,
                AtomicBoolean stop,
                CountDownLatch stopped) {
            this.index = index;
            this.method = method;
            this.requests = requests;
            this.load = load;
            this.stop = stop;
            this.stopped = stopped;
        }

        void next(long iteration) {
            if (stop.get() || load.failed()) {
                stopped.countDown();
                return;
            }
            Q request = requests.get((int) ((index * 7919L + iteration) % requests.size()));
            ManagedChannel channel = channels.get(index % channels.size());
            long start = System.nanoTime();
            ClientCalls.asyncUnaryCall(
                    channel.newCall(
                            method,
                            CallOptions.DEFAULT.withDeadlineAfter(
                                    DEADLINE_SECONDS, TimeUnit.SECONDS)),
                    request,
                    new StreamObserver<R>() {
                        @Override
                        public void onNext(R value) {}

                        @Override
                        public void onError(Throwable t) {
                            load.fail(
                                    new IllegalStateException(
                                            method.getBareMethodName()
                                                    + " failed: "
                                                    + t.getMessage(),
                                            t));
                            stopped.countDown();
                        }

                        @Override
                        public void onCompleted() {
                            load.record(index, System.nanoTime() - start);
                            next(iteration + 1);
                        }
                    });
        }
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
