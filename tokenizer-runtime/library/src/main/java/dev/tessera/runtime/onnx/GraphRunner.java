package dev.tessera.runtime.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One graph ({@code encoder.onnx} or {@code decoder.onnx}) on its instance sessions, each with an
 * input and an output buffer of its own in direct memory that grow to the largest batch and are
 * then reused. A run writes its input once into the instance's input buffer, which ONNX Runtime
 * reads in place, and ONNX Runtime writes the output straight into the instance's output buffer (a
 * pinned output), which is read once: no other copies, and no allocation per run.
 *
 * <p>A run takes a free instance. When every instance is busy (more callers at once than instances)
 * it shares one of the sessions, which are thread-safe, with buffers of its own for that run, so
 * the library never blocks a caller.
 */
final class GraphRunner {

    /**
     * A tensor of a run.
     *
     * @param name the graph's input or output name
     * @param type element type
     * @param shape dimensions, the batch first
     */
    record Tensor(String name, OnnxJavaType type, long[] shape) {

        int bytes() {
            long n = type.size;
            for (long d : shape) {
                n *= d;
            }
            return Math.toIntExact(n);
        }
    }

    /** A session with its reusable buffers; used by one run at a time. */
    private static final class Instance {
        final OrtSession session;
        ByteBuffer input;
        ByteBuffer output;

        Instance(OrtSession session) {
            this.session = session;
        }
    }

    private final OrtEnvironment env;
    private final List<OrtSession> sessions;
    private final ConcurrentLinkedQueue<Instance> free = new ConcurrentLinkedQueue<>();
    private final AtomicInteger overflow = new AtomicInteger();

    GraphRunner(OrtEnvironment env, List<OrtSession> sessions) {
        this.env = env;
        this.sessions = List.copyOf(sessions);
        this.sessions.forEach(s -> free.add(new Instance(s)));
    }

    /** Instances (sessions) this graph runs on. */
    int instances() {
        return sessions.size();
    }

    /** The first session, for checking the graph's signature. */
    OrtSession firstSession() {
        return sessions.get(0);
    }

    /**
     * Runs the graph once.
     *
     * @param in the input tensor; {@code fill} writes its {@code in.bytes()} bytes into the buffer
     *     it is given (native byte order, position 0; the position it leaves is ignored)
     * @param out the output tensor, whose shape the graph must produce
     * @param read reads the output from the buffer it is given (native byte order, position 0,
     *     limit the output's size), which is valid only during the call
     * @throws OrtException if ONNX Runtime fails, e.g. on an output of another shape
     */
    // The result holds nothing to read (the output is pinned) but must still be closed.
    @SuppressWarnings("try")
    <T> T run(Tensor in, Consumer<ByteBuffer> fill, Tensor out, Function<ByteBuffer, T> read)
            throws OrtException {
        Instance instance = free.poll();
        boolean pooled = instance != null;
        if (!pooled) {
            int next = Math.floorMod(overflow.getAndIncrement(), sessions.size());
            instance = new Instance(sessions.get(next));
        }
        try {
            ByteBuffer input = instance.input = sized(instance.input, in.bytes());
            ByteBuffer output = instance.output = sized(instance.output, out.bytes());
            fill.accept(input);
            input.clear().limit(in.bytes());
            try (OnnxTensor inTensor = OnnxTensor.createTensor(env, input, in.shape(), in.type());
                    OnnxTensor outTensor =
                            OnnxTensor.createTensor(env, output, out.shape(), out.type());
                    OrtSession.Result result =
                            instance.session.run(
                                    Map.of(in.name(), inTensor), Map.of(out.name(), outTensor))) {
                output.clear().limit(out.bytes());
                return read.apply(output);
            }
        } finally {
            if (pooled) {
                free.add(instance);
            }
        }
    }

    /** {@code buffer} if it holds {@code bytes}, else a larger one; position 0, limit bytes. */
    private static ByteBuffer sized(ByteBuffer buffer, int bytes) {
        if (buffer == null || buffer.capacity() < bytes) {
            // Grows by at least half, so that a slowly rising batch size does not reallocate
            // on every run.
            int capacity = buffer == null ? bytes : Math.max(bytes, buffer.capacity() * 3 / 2);
            buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.nativeOrder());
        }
        buffer.clear().limit(bytes);
        return buffer;
    }
}
