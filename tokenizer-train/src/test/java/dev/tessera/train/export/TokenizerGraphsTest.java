package dev.tessera.train.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import dev.tessera.onnx.ModelProto;
import dev.tessera.onnx.TensorProto;
import dev.tessera.onnx.TensorShapeProto;
import dev.tessera.runtime.onnx.OrtEnvironments;
import dev.tessera.train.model.Architecture;
import dev.tessera.train.model.FloatTensor;
import dev.tessera.train.model.ParameterSet;
import dev.tessera.train.model.ResNetBackbone;
import dev.tessera.train.model.TokenizerNetwork;
import dev.tessera.train.quantize.Codebook;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The exported graphs against the trainer's own forward pass: DJL (PyTorch) computes tokens and
 * pixel levels, ONNX Runtime runs the exported models on the same inputs, and the two must agree.
 */
class TokenizerGraphsTest {

    private static final String VERSION = "0.1.0-test";
    private static final int CODES = 16;

    /**
     * Trained-network stand-in: weights (random biases too, so bias wiring is checked) and
     * codebook.
     */
    private record Tokenizer(
            Architecture arch, Map<String, FloatTensor> weights, FloatTensor codebook) {

        static Tokenizer random(Architecture arch, long seed) {
            try (NDManager manager = NDManager.newBaseManager()) {
                ParameterSet params = new ParameterSet(manager);
                new TokenizerNetwork(arch).initParameters(params, seed);
                Map<String, FloatTensor> weights = new HashMap<>(params.snapshot());
                SplittableRandom random = new SplittableRandom(seed);
                // Every tensor random, so that no wiring hides behind a zero: biases, norm scales
                // and shifts, and the convolutions that start at zero (residual branch ends and the
                // decoder head) at the fan-in scale of the others.
                weights.replaceAll((name, t) -> randomized(name, t, random));
                // A small head and bias 0.5 spread decoded pixels over much of (0, 255) without
                // clipping them, so that the comparison sees many distinct levels and few
                // saturated ones.
                FloatTensor head = weights.get("decoder.head.weight");
                weights.put("decoder.head.weight", scaled(head, 0.2f));
                weights.put(
                        "decoder.head.bias", fill(weights.get("decoder.head.bias").shape(), 0.5f));
                return new Tokenizer(
                        arch,
                        Map.copyOf(weights),
                        codebookFromEncoder(arch, weights, manager, random));
            }
        }

        /**
         * Codes drawn from encoder outputs of random images, the way k-means++ seeding starts: a
         * codebook that lies where ẑ lies, so that many codes are chosen.
         */
        private static FloatTensor codebookFromEncoder(
                Architecture arch,
                Map<String, FloatTensor> weights,
                NDManager manager,
                SplittableRandom random) {
            ParameterSet params = new ParameterSet(manager);
            weights.forEach(params::put);
            int batch = 4;
            byte[] pixels =
                    randomPixels(
                            batch * arch.channels() * arch.imageHeight() * arch.imageWidth(),
                            random.nextLong());
            NDArray images =
                    manager.create(
                            ByteBuffer.wrap(pixels),
                            new Shape(
                                    batch, arch.channels(), arch.imageHeight(), arch.imageWidth()),
                            DataType.UINT8);
            NDArray zHat =
                    new TokenizerNetwork(arch).encode(params, TokenizerNetwork.normalize(images));
            float[] rows = Codebook.flattenPositions(zHat).toFloatArray();
            int positions = rows.length / arch.codeDim();
            float[] codes = new float[CODES * arch.codeDim()];
            int[] picked = random.ints(0, positions).distinct().limit(CODES).toArray();
            // The last code repeats the first: exact ties must go to the lower index in both.
            picked[CODES - 1] = picked[0];
            for (int c = 0; c < CODES; c++) {
                System.arraycopy(
                        rows,
                        picked[c] * arch.codeDim(),
                        codes,
                        c * arch.codeDim(),
                        arch.codeDim());
            }
            return new FloatTensor(new long[] {CODES, arch.codeDim()}, codes);
        }

        private static FloatTensor randomized(String name, FloatTensor t, SplittableRandom random) {
            long[] shape = t.shape();
            if (shape.length == 1) {
                // Biases and norm shifts around 0, norm scales around 1.
                boolean normScale = name.endsWith(".weight");
                FloatTensor noise = randomTensor(shape, normScale ? 0.5 : 0.1, random);
                return normScale ? shifted(noise, 1f) : noise;
            }
            long fanIn = shape[1] * shape[2] * shape[3];
            return randomTensor(shape, Math.sqrt(3.0 / fanIn), random);
        }

        void loadInto(ParameterSet params) {
            weights.forEach(params::put);
        }
    }

    @Test
    void encoderAndDecoderMatchTheTrainer() throws OrtException {
        Architecture arch = new Architecture(1, 16, 16, 8, 4, 4, 1);
        roundTrip(Tokenizer.random(arch, 7), 5, 11);
    }

    @Test
    void resnetWithoutAttentionMatchesTheTrainer() throws OrtException {
        // Two levels (downsample 2), 8 then 16 channels: GroupNorm with 4 and 8 groups, a 1x1
        // shortcut where the channels double; colour input.
        Architecture arch =
                new Architecture(3, 16, 16, 4, new ResNetBackbone(8, List.of(1, 2), 1, false));
        roundTrip(Tokenizer.random(arch, 5), 3, 17);
    }

    @Test
    void resnetWithAttentionMatchesTheTrainer() throws OrtException {
        // Three levels (downsample 4), two blocks per level, self-attention over the 4x4 grid.
        Architecture arch =
                new Architecture(1, 16, 16, 4, new ResNetBackbone(8, List.of(1, 2, 2), 2, true));
        roundTrip(Tokenizer.random(arch, 9), 4, 23);
    }

    @Test
    void twoStageColourArchitectureMatchesTheTrainer() throws OrtException {
        // Downsample 4 = two 2x Resize stages in the decoder; three channels; no residual block.
        Architecture arch = new Architecture(3, 8, 12, 6, 4, 3, 0);
        roundTrip(Tokenizer.random(arch, 21), 3, 5);
    }

    @Test
    void downsampleTwoArchitectureMatchesTheTrainer() throws OrtException {
        Architecture arch = new Architecture(3, 8, 8, 4, 2, 2, 2);
        roundTrip(Tokenizer.random(arch, 3), 4, 9);
    }

    private static void roundTrip(Tokenizer tok, int batch, long imageSeed) throws OrtException {
        Architecture arch = tok.arch();
        byte[] pixels =
                randomPixels(
                        batch * arch.channels() * arch.imageHeight() * arch.imageWidth(),
                        imageSeed);
        long[] pixelShape = {batch, arch.channels(), arch.imageHeight(), arch.imageWidth()};
        long[] tokenShape = {batch, arch.gridHeight(), arch.gridWidth()};
        Trainer trainer = Trainer.run(tok, pixels, pixelShape);
        try (Graphs graphs = Graphs.open(tok)) {
            Output<int[]> tokens = graphs.encode(pixels, pixelShape);
            assertArrayEquals(tokenShape, tokens.shape());
            assertArrayEquals(
                    trainer.tokens(), tokens.values(), "ONNX tokens differ from DJL tokens");
            // Guards the test itself: agreement on one constant code would prove nothing.
            long distinct = Arrays.stream(tokens.values()).distinct().count();
            assertTrue(distinct >= 4, "tokens use only " + distinct + " codes");

            Output<byte[]> decoded = graphs.decode(trainer.tokens(), tokenShape);
            assertArrayEquals(pixelShape, decoded.shape());
            assertPixelsClose(trainer.pixelLevels(), decoded.values());
        }
    }

    private static void assertPixelsClose(float[] expected, byte[] actual) {
        assertEquals(expected.length, actual.length);
        int unclipped = 0;
        for (int i = 0; i < expected.length; i++) {
            int value = Byte.toUnsignedInt(actual[i]);
            assertTrue(
                    Math.abs(value - expected[i]) <= 1,
                    "pixel " + i + ": ONNX " + value + ", DJL " + expected[i]);
            if (value > 0 && value < 255) {
                unclipped++;
            }
        }
        // Guards the test itself: a decoder saturated at 0/255 would hide rounding differences.
        assertTrue(
                unclipped > expected.length / 2,
                "only " + unclipped + " of " + expected.length + " unclipped");
    }

    @Test
    void tokensDoNotDependOnTheBatch() throws OrtException {
        Architecture arch = new Architecture(1, 16, 16, 8, 4, 4, 1);
        Tokenizer tok = Tokenizer.random(arch, 7);
        int imageSize = arch.channels() * arch.imageHeight() * arch.imageWidth();
        int gridSize = arch.gridHeight() * arch.gridWidth();
        byte[] pixels = randomPixels(5 * imageSize, 13);
        try (Graphs graphs = Graphs.open(tok)) {
            int[] batched = graphs.encode(pixels, new long[] {5, 1, 16, 16}).values();
            for (int n = 0; n < 5; n++) {
                byte[] one = Arrays.copyOfRange(pixels, n * imageSize, (n + 1) * imageSize);
                Output<int[]> single = graphs.encode(one, new long[] {1, 1, 16, 16});
                assertArrayEquals(new long[] {1, 4, 4}, single.shape());
                assertArrayEquals(
                        Arrays.copyOfRange(batched, n * gridSize, (n + 1) * gridSize),
                        single.values(),
                        "image " + n);
            }
        }
    }

    @Test
    void resizeEqualsRepeatUpsamplingExactly() throws OrtException {
        OnnxGraphBuilder g = new OnnxGraphBuilder("upsample");
        String x = g.input("x", TensorProto.DataType.FLOAT, 2, 3, 5);
        String up = TokenizerGraphs.upsample(g, 2, x);
        g.nodeTo("y", "Identity", List.of(up));
        g.output("y", TensorProto.DataType.FLOAT, 2, 6, 10);
        float[] input = randomTensor(new long[] {4, 2, 3, 5}, 10.0, new SplittableRandom(1)).data();

        float[] expected;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray array = manager.create(input, new Shape(4, 2, 3, 5));
            expected = array.repeat(2, 2).repeat(3, 2).toFloatArray();
        }
        OrtEnvironment env = OrtEnvironments.get();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(g.build(VERSION).toByteArray(), options);
                OnnxTensor in =
                        OnnxTensor.createTensor(
                                env, FloatBuffer.wrap(input), new long[] {4, 2, 3, 5});
                OrtSession.Result result = session.run(Map.of("x", in))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            assertArrayEquals(new long[] {4, 2, 6, 10}, out.getInfo().getShape());
            float[] actual = new float[expected.length];
            out.getFloatBuffer().get(actual);
            assertArrayEquals(expected, actual);
        }
    }

    @Test
    void builderWritesInitializersConstantsAndUniqueNames() throws OrtException {
        OnnxGraphBuilder g = new OnnxGraphBuilder("builder");
        assertEquals("w", g.uniqueName("w"));
        assertEquals("w_1", g.uniqueName("w"));
        String x = g.input("x", TensorProto.DataType.FLOAT, 6);
        String shape = g.int64Initializer("shape", new long[] {3}, new long[] {-1, 2, 3});
        String offsets =
                g.node(
                        "Constant",
                        List.of(),
                        OnnxGraphBuilder.floatTensorAttribute(
                                "value", new long[] {3}, new float[] {10f, 20f, 30f}));
        String reshaped = g.node("Reshape", List.of(x, shape));
        String shifted = g.node("Add", List.of(reshaped, offsets));
        g.nodeTo("y", "Mul", List.of(shifted, g.floatScalar("half", 0.5f)));
        g.output("y", TensorProto.DataType.FLOAT, 2, 3);
        assertThrows(
                IllegalArgumentException.class, () -> g.input("y", TensorProto.DataType.FLOAT, 1));

        OrtEnvironment env = OrtEnvironments.get();
        float[] input = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(g.build(VERSION).toByteArray(), options);
                OnnxTensor in =
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {2, 6});
                OrtSession.Result result = session.run(Map.of("x", in))) {
            OnnxTensor out = (OnnxTensor) result.get(0);
            assertArrayEquals(new long[] {2, 2, 3}, out.getInfo().getShape());
            float[] actual = new float[12];
            out.getFloatBuffer().get(actual);
            assertArrayEquals(
                    new float[] {5.5f, 11, 16.5f, 7, 12.5f, 18, 8.5f, 14, 19.5f, 10, 15.5f, 21},
                    actual);
        }
    }

    @Test
    void modelsDeclareOpsetBatchAxisAndProducer() {
        Architecture arch = new Architecture(1, 16, 16, 8, 4, 4, 1);
        Tokenizer tok = Tokenizer.random(arch, 7);
        ModelProto encoder = TokenizerGraphs.encoder(arch, tok.weights(), tok.codebook(), VERSION);
        ModelProto decoder = TokenizerGraphs.decoder(arch, tok.weights(), tok.codebook(), VERSION);
        for (ModelProto model : List.of(encoder, decoder)) {
            assertEquals(TokenizerGraphs.IR_VERSION, model.getIrVersion());
            assertEquals("", model.getOpsetImport(0).getDomain());
            assertEquals(TokenizerGraphs.OPSET, model.getOpsetImport(0).getVersion());
            assertEquals("tessera", model.getProducerName());
            assertEquals(VERSION, model.getProducerVersion());
        }
        TensorShapeProto in = encoder.getGraph().getInput(0).getType().getTensorType().getShape();
        assertEquals(TokenizerGraphs.PIXELS, encoder.getGraph().getInput(0).getName());
        assertEquals("N", in.getDim(0).getDimParam());
        assertEquals(1L, in.getDim(1).getDimValue());
        assertEquals(
                List.of("H", "W"), List.of(in.getDim(2).getDimParam(), in.getDim(3).getDimParam()));
        assertEquals(TokenizerGraphs.TOKENS, encoder.getGraph().getOutput(0).getName());
        assertEquals(TokenizerGraphs.TOKENS, decoder.getGraph().getInput(0).getName());
        assertEquals(TokenizerGraphs.PIXELS, decoder.getGraph().getOutput(0).getName());
        assertEquals(
                TensorProto.DataType.INT32_VALUE,
                decoder.getGraph().getInput(0).getType().getTensorType().getElemType());
    }

    @Test
    void missingWeightIsNamed() {
        Architecture arch = new Architecture(1, 16, 16, 8, 4, 4, 1);
        Tokenizer tok = Tokenizer.random(arch, 7);
        Map<String, FloatTensor> weights = new HashMap<>(tok.weights());
        weights.remove("encoder.res0.b.weight");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TokenizerGraphs.encoder(arch, weights, tok.codebook(), VERSION));
        assertTrue(e.getMessage().contains("encoder.res0.b.weight"), e.getMessage());
        assertTrue(e.getMessage().contains("[8, 8, 3, 3]"), e.getMessage());
    }

    @Test
    void misshapenWeightAndCodebookAreRefused() {
        Architecture arch = new Architecture(1, 16, 16, 8, 4, 4, 1);
        Tokenizer tok = Tokenizer.random(arch, 7);
        Map<String, FloatTensor> weights = new HashMap<>(tok.weights());
        weights.put("decoder.head.bias", new FloatTensor(new long[] {2}, new float[2]));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TokenizerGraphs.decoder(arch, weights, tok.codebook(), VERSION));
        assertTrue(
                e.getMessage().contains("decoder.head.bias") && e.getMessage().contains("[1]"),
                e.getMessage());

        FloatTensor wrongCodebook = new FloatTensor(new long[] {CODES, 3}, new float[CODES * 3]);
        IllegalArgumentException c =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> TokenizerGraphs.encoder(arch, tok.weights(), wrongCodebook, VERSION));
        assertTrue(c.getMessage().contains("[K, 4]"), c.getMessage());
    }

    /** Tokens and pixel levels as the trainer computes them with DJL. */
    private record Trainer(int[] tokens, float[] pixelLevels) {

        static Trainer run(Tokenizer tok, byte[] pixels, long[] pixelShape) {
            Architecture arch = tok.arch();
            TokenizerNetwork net = new TokenizerNetwork(arch);
            try (NDManager manager = NDManager.newBaseManager()) {
                ParameterSet params = new ParameterSet(manager);
                tok.loadInto(params);
                NDArray codebook =
                        manager.create(tok.codebook().data(), new Shape(tok.codebook().shape()));
                NDArray images =
                        manager.create(
                                ByteBuffer.wrap(pixels), new Shape(pixelShape), DataType.UINT8);
                NDArray zHat = net.encode(params, TokenizerNetwork.normalize(images));
                NDArray tokens = Codebook.nearest(Codebook.flattenPositions(zHat), codebook);
                NDArray codes =
                        Codebook.unflattenPositions(
                                codebook.get(tokens.toType(DataType.INT64, false)),
                                pixelShape[0],
                                arch.gridHeight(),
                                arch.gridWidth());
                NDArray levels = TokenizerNetwork.toPixelLevels(net.decode(params, codes));
                return new Trainer(tokens.toIntArray(), levels.toFloatArray());
            }
        }
    }

    /** A tensor result of one ONNX run, copied to the heap. */
    private record Output<T>(long[] shape, T values) {}

    /** Encoder and decoder sessions of one tokenizer, as the runtime would open them. */
    private record Graphs(OrtEnvironment env, OrtSession encoder, OrtSession decoder)
            implements AutoCloseable {

        static Graphs open(Tokenizer tok) throws OrtException {
            OrtEnvironment env = OrtEnvironments.get();
            byte[] enc =
                    TokenizerGraphs.encoder(tok.arch(), tok.weights(), tok.codebook(), VERSION)
                            .toByteArray();
            byte[] dec =
                    TokenizerGraphs.decoder(tok.arch(), tok.weights(), tok.codebook(), VERSION)
                            .toByteArray();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                OrtSession encoder = env.createSession(enc, options);
                try {
                    return new Graphs(env, encoder, env.createSession(dec, options));
                } catch (OrtException | RuntimeException e) {
                    encoder.close();
                    throw e;
                }
            }
        }

        Output<int[]> encode(byte[] pixels, long[] shape) throws OrtException {
            try (OnnxTensor in =
                            OnnxTensor.createTensor(
                                    env, ByteBuffer.wrap(pixels), shape, OnnxJavaType.UINT8);
                    OrtSession.Result result = encoder.run(Map.of(TokenizerGraphs.PIXELS, in))) {
                OnnxTensor out = (OnnxTensor) result.get(TokenizerGraphs.TOKENS).orElseThrow();
                assertEquals(OnnxJavaType.INT32, out.getInfo().type);
                IntBuffer buffer = out.getIntBuffer();
                int[] tokens = new int[buffer.remaining()];
                buffer.get(tokens);
                return new Output<>(out.getInfo().getShape(), tokens);
            }
        }

        Output<byte[]> decode(int[] tokens, long[] shape) throws OrtException {
            try (OnnxTensor in = OnnxTensor.createTensor(env, IntBuffer.wrap(tokens), shape);
                    OrtSession.Result result = decoder.run(Map.of(TokenizerGraphs.TOKENS, in))) {
                OnnxTensor out = (OnnxTensor) result.get(TokenizerGraphs.PIXELS).orElseThrow();
                assertEquals(OnnxJavaType.UINT8, out.getInfo().type);
                ByteBuffer buffer = out.getByteBuffer();
                byte[] pixels = new byte[buffer.remaining()];
                buffer.get(pixels);
                return new Output<>(out.getInfo().getShape(), pixels);
            }
        }

        @Override
        public void close() throws OrtException {
            try (encoder;
                    decoder) {
                // closes both sessions, even if one close fails
            }
        }
    }

    private static byte[] randomPixels(int count, long seed) {
        byte[] pixels = new byte[count];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            pixels[i] = (byte) random.nextInt(256);
        }
        return pixels;
    }

    private static FloatTensor randomTensor(long[] shape, double scale, SplittableRandom random) {
        float[] data =
                new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return new FloatTensor(shape, data);
    }

    private static FloatTensor scaled(FloatTensor t, float factor) {
        float[] data = t.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] *= factor;
        }
        return new FloatTensor(t.shape(), data);
    }

    private static FloatTensor shifted(FloatTensor t, float offset) {
        float[] data = t.data().clone();
        for (int i = 0; i < data.length; i++) {
            data[i] += offset;
        }
        return new FloatTensor(t.shape(), data);
    }

    private static FloatTensor fill(long[] shape, float value) {
        float[] data =
                new float[Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact))];
        Arrays.fill(data, value);
        return new FloatTensor(shape, data);
    }
}
