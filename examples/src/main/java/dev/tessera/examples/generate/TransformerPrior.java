package dev.tessera.examples.generate;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

import dev.tessera.train.api.Parameters;
import dev.tessera.train.api.Scalars;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A decoder-only transformer over raster-ordered token grids: token and learned position
 * embeddings, pre-LayerNorm blocks of causal multi-head self-attention and a GELU MLP, a final
 * LayerNorm and a linear head over the K codes. The input sequence of a grid is its start token
 * (class label or unconditional, see {@link GridShape}) followed by its first h·w − 1 codes; the
 * output at input position i predicts code i.
 *
 * <p>Owns its parameters and the manager they live on; close it to free them.
 */
public final class TransformerPrior implements AutoCloseable {

    /** Weights start as N(0, 0.02²), as in GPT-2; residual projections are scaled down further. */
    private static final double INIT_STD = 0.02;

    private static final float LAYER_NORM_EPS = 1e-5f;

    /** Added to attention scores of future positions: exp(−1e9) is 0 in float32. */
    private static final float MASKED = -1e9f;

    private final GridShape shape;
    private final PriorConfig config;
    private final Parameters params;

    private TransformerPrior(GridShape shape, PriorConfig config, Parameters params) {
        this.shape = shape;
        this.config = config;
        this.params = params;
    }

    /** A new prior on {@code device}, weights drawn from {@code config.seed()}. */
    public static TransformerPrior create(GridShape shape, PriorConfig config, Device device) {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Parameters params = new Parameters(manager);
            initParameters(params, shape, config);
            return new TransformerPrior(shape, config, params);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** A prior with the parameters saved in {@code weights}, on {@code device}. */
    public static TransformerPrior restore(
            GridShape shape, PriorConfig config, Path weights, Device device) throws IOException {
        NDManager manager = NDManager.newBaseManager(device);
        try {
            TransformerPrior prior =
                    new TransformerPrior(shape, config, Parameters.load(weights, manager));
            prior.checkParameters();
            return prior;
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public GridShape shape() {
        return shape;
    }

    public PriorConfig config() {
        return config;
    }

    public Parameters parameters() {
        return params;
    }

    /** Number of trained values. */
    public long parameterCount() {
        return params.count();
    }

    /**
     * A manager for one step of work with this prior: its temporaries, and the gradients and views
     * of the parameters, are freed when it closes, while the parameters return to their owner.
     */
    public NDManager session() {
        NDManager session = params.manager().newSubManager();
        params.arrays().values().forEach(a -> a.tempAttach(session));
        return session;
    }

    /**
     * Logits [B, T, K] over the codes at each input position.
     *
     * @param starts start tokens [B] (int32), or null when the sequence continues a cache
     * @param tokens codes [B, T'] (int32) following the start token or the cached positions, or
     *     null when only the start token is fed
     * @param cache keys and values of earlier positions, extended by this call; null to run the
     *     inputs on their own (training, evaluation)
     */
    public NDArray logits(NDArray starts, NDArray tokens, KvCache cache) {
        int offset = cache == null ? 0 : cache.length();
        NDArray x = embed(starts, tokens, offset);
        int length = Math.toIntExact(x.getShape().get(1));
        for (int layer = 0; layer < config.layers(); layer++) {
            String block = "block" + layer;
            x = x.add(attention(layerNorm(x, block + ".ln1"), block, layer, cache));
            x = x.add(mlp(layerNorm(x, block + ".ln2"), block));
        }
        if (cache != null) {
            cache.advance(length);
        }
        return linear(layerNorm(x, "final.ln"), "head");
    }

    private NDArray embed(NDArray starts, NDArray tokens, int offset) {
        NDList parts = new NDList();
        if (starts != null) {
            parts.add(lookup("embed.start", starts.reshape(-1, 1)));
        }
        if (tokens != null) {
            parts.add(lookup("embed.tokens", tokens));
        }
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no input: give start tokens, codes or both");
        }
        NDArray x = parts.size() == 1 ? parts.head() : NDArrays.concat(parts, 1);
        int length = Math.toIntExact(x.getShape().get(1));
        if (offset + length > shape.positions()) {
            throw new IllegalArgumentException(
                    "positions "
                            + offset
                            + ".."
                            + (offset + length - 1)
                            + " lie beyond the grid's "
                            + shape.positions());
        }
        NDArray positions =
                params.get("embed.positions").get(new NDIndex(offset + ":" + (offset + length)));
        return x.add(positions);
    }

    private NDArray lookup(String table, NDArray ids) {
        return ids.getNDArrayInternal()
                .embedding(ids, params.get(table), SparseFormat.DENSE)
                .singletonOrThrow();
    }

    private NDArray attention(NDArray x, String block, int layer, KvCache cache) {
        long batch = x.getShape().get(0);
        long length = x.getShape().get(1);
        int heads = config.heads();
        // [B, T, 3D] → [3, B, heads, T, d]
        NDArray qkv =
                linear(x, block + ".attn.qkv")
                        .reshape(batch, length, 3, heads, config.headWidth())
                        .transpose(2, 0, 3, 1, 4);
        NDArray q = qkv.get(0);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        if (cache != null) {
            NDArray[] kv = cache.append(layer, k, v);
            k = kv[0];
            v = kv[1];
        }
        long keys = k.getShape().get(2);
        NDArray scores =
                q.matMul(k.transpose(0, 1, 3, 2))
                        .mul(Scalars.like(q, 1 / Math.sqrt(config.headWidth())));
        if (length > 1) {
            scores = scores.add(causalMask(x.getManager(), (int) length, (int) keys));
        }
        NDArray mixed =
                scores.softmax(-1)
                        .matMul(v)
                        .transpose(0, 2, 1, 3)
                        .reshape(batch, length, config.width());
        return linear(mixed, block + ".attn.out");
    }

    /**
     * [T, S]: 0 where query i (at position S − T + i) may see key j, that is j ≤ S − T + i, and a
     * large negative number elsewhere.
     */
    static NDArray causalMask(NDManager manager, int queries, int keys) {
        float[] mask = new float[queries * keys];
        int first = keys - queries;
        for (int i = 0; i < queries; i++) {
            for (int j = first + i + 1; j < keys; j++) {
                mask[i * keys + j] = MASKED;
            }
        }
        return manager.create(mask, new Shape(queries, keys));
    }

    private NDArray mlp(NDArray x, String block) {
        NDArray hidden = linear(x, block + ".mlp.in");
        return linear(hidden.getNDArrayInternal().gelu(), block + ".mlp.out");
    }

    private NDArray linear(NDArray x, String name) {
        return x.matMul(params.get(name + ".weight")).add(params.get(name + ".bias"));
    }

    private NDArray layerNorm(NDArray x, String name) {
        return x.getNDArrayInternal()
                .layerNorm(
                        x,
                        new Shape(config.width()),
                        params.get(name + ".gamma"),
                        params.get(name + ".beta"),
                        LAYER_NORM_EPS)
                .singletonOrThrow();
    }

    private static void initParameters(Parameters params, GridShape shape, PriorConfig config) {
        SplittableRandom random = new SplittableRandom(config.seed());
        int d = config.width();
        double residualStd = INIT_STD / Math.sqrt(2.0 * config.layers());
        putNormal(params, random, "embed.tokens", INIT_STD, shape.codebookSize(), d);
        putNormal(params, random, "embed.start", INIT_STD, shape.startTokens(), d);
        putNormal(params, random, "embed.positions", INIT_STD, shape.positions(), d);
        for (int layer = 0; layer < config.layers(); layer++) {
            String block = "block" + layer;
            putLayerNorm(params, block + ".ln1", d);
            putLinear(params, random, block + ".attn.qkv", d, 3 * d, INIT_STD);
            putLinear(params, random, block + ".attn.out", d, d, residualStd);
            putLayerNorm(params, block + ".ln2", d);
            putLinear(params, random, block + ".mlp.in", d, 4 * d, INIT_STD);
            putLinear(params, random, block + ".mlp.out", 4 * d, d, residualStd);
        }
        putLayerNorm(params, "final.ln", d);
        putLinear(params, random, "head", d, shape.codebookSize(), INIT_STD);
    }

    private static void putLinear(
            Parameters params,
            SplittableRandom random,
            String name,
            int in,
            int out,
            double std) {
        putNormal(params, random, name + ".weight", std, in, out);
        params.put(name + ".bias", new float[out], out);
    }

    private static void putLayerNorm(Parameters params, String name, int width) {
        float[] ones = new float[width];
        Arrays.fill(ones, 1f);
        params.put(name + ".gamma", ones, width);
        params.put(name + ".beta", new float[width], width);
    }

    /** A {@code rows × cols} matrix of N(0, std²) values. */
    private static void putNormal(
            Parameters params,
            SplittableRandom random,
            String name,
            double std,
            int rows,
            int cols) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        params.put(name, values, rows, cols);
    }

    /** Checks that restored parameters have the shapes this prior's shape and config imply. */
    private void checkParameters() {
        try (NDManager scratch = NDManager.newBaseManager(Device.cpu())) {
            Parameters expected = new Parameters(scratch);
            initParameters(expected, shape, config);
            for (Map.Entry<String, NDArray> e : expected.arrays().entrySet()) {
                Shape want = e.getValue().getShape();
                Shape have =
                        params.arrays().containsKey(e.getKey())
                                ? params.get(e.getKey()).getShape()
                                : null;
                if (!want.equals(have)) {
                    throw new IllegalArgumentException(
                            "saved prior has "
                                    + (have == null
                                            ? "no tensor " + e.getKey()
                                            : e.getKey() + " of shape " + have)
                                    + ", its settings need shape "
                                    + want);
                }
            }
            if (expected.arrays().size() != params.arrays().size()) {
                throw new IllegalArgumentException(
                        "saved prior has "
                                + params.arrays().size()
                                + " tensors, its settings need "
                                + expected.arrays().size());
            }
        }
    }

    @Override
    public void close() {
        params.manager().close();
    }
}
