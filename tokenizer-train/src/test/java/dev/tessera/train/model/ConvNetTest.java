package dev.tessera.train.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;

import java.util.List;

/** The DJL forward of the layers the resnet family adds, against their definitions. */
class ConvNetTest {

    @Test
    void groupNormNormalisesEachGroupThenScalesAndShiftsEachChannel() {
        // One image, 4 channels of 2 positions, 2 groups of 2 channels.
        float[] x = {1, 3, 5, 7, /* group 2: */ 0, 0, 2, 6};
        Layer.GroupNorm norm = new Layer.GroupNorm("n", 4, 2);
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put("n.weight", new FloatTensor(new long[] {4}, new float[] {1, 1, 2, 1}));
            params.put("n.bias", new FloatTensor(new long[] {4}, new float[] {0, 0, 0, 10}));
            NDArray y =
                    new ConvNet(List.of(norm))
                            .forward(params, manager.create(x, new Shape(1, 4, 1, 2)));
            // Group 1: mean 4, variance 5. Group 2: mean 2, variance 6.
            double s1 = Math.sqrt(5 + Layer.GroupNorm.EPSILON);
            double s2 = Math.sqrt(6 + Layer.GroupNorm.EPSILON);
            float[] expected = {
                (float) (-3 / s1),
                (float) (-1 / s1),
                (float) (1 / s1),
                (float) (3 / s1),
                (float) (2 * -2 / s2),
                (float) (2 * -2 / s2),
                (float) (10 + 0 / s2),
                (float) (10 + 4 / s2)
            };
            assertArrayEquals(expected, y.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void groupCountIsAtMost32WithAtLeastTwoChannelsEach() {
        assertEquals(32, Layer.GroupNorm.of("a", 128).groups());
        assertEquals(32, Layer.GroupNorm.of("a", 64).groups());
        assertEquals(16, Layer.GroupNorm.of("a", 32).groups());
        assertEquals(24, Layer.GroupNorm.of("a", 48).groups());
        assertEquals(4, Layer.GroupNorm.of("a", 8).groups());
        assertEquals(1, Layer.GroupNorm.of("a", 3).groups());
    }

    @Test
    void attentionWithZeroQueriesAveragesTheValuesOverAllPositions() {
        // q = 0: every logit is 0, every position attends uniformly; v = identity + 1.
        Layer.Attention attention =
                new Layer.Attention(
                        new Layer.Conv("q", 2, 2, 1, 1),
                        new Layer.Conv("k", 2, 2, 1, 1),
                        new Layer.Conv("v", 2, 2, 1, 1));
        float[] x = {1, 2, 3, 6, /* channel 2: */ -1, 0, 1, 4};
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            params.put("q.weight", new FloatTensor(new long[] {2, 2, 1, 1}, new float[4]));
            params.put("q.bias", new FloatTensor(new long[] {2}, new float[2]));
            params.put(
                    "k.weight", new FloatTensor(new long[] {2, 2, 1, 1}, new float[] {1, 2, 3, 4}));
            params.put("k.bias", new FloatTensor(new long[] {2}, new float[2]));
            params.put(
                    "v.weight", new FloatTensor(new long[] {2, 2, 1, 1}, new float[] {1, 0, 0, 1}));
            params.put("v.bias", new FloatTensor(new long[] {2}, new float[] {1, 1}));
            NDArray y =
                    new ConvNet(List.of(attention))
                            .forward(params, manager.create(x, new Shape(1, 2, 2, 2)));
            assertArrayEquals(new float[] {4, 4, 4, 4, 2, 2, 2, 2}, y.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void attentionFollowsTheScaledDotProduct() {
        // One channel, two positions: logits q_i k_j / √1, softmax over j.
        Layer.Attention attention =
                new Layer.Attention(
                        new Layer.Conv("q", 1, 1, 1, 1),
                        new Layer.Conv("k", 1, 1, 1, 1),
                        new Layer.Conv("v", 1, 1, 1, 1));
        try (NDManager manager = NDManager.newBaseManager()) {
            ParameterSet params = new ParameterSet(manager);
            for (String p : List.of("q", "k", "v")) {
                params.put(
                        p + ".weight", new FloatTensor(new long[] {1, 1, 1, 1}, new float[] {1}));
                params.put(p + ".bias", new FloatTensor(new long[] {1}, new float[1]));
            }
            NDArray y =
                    new ConvNet(List.of(attention))
                            .forward(
                                    params,
                                    manager.create(new float[] {1, 2}, new Shape(1, 1, 1, 2)));
            // Position 0: logits 1, 2; position 1: logits 2, 4.
            double w0 = Math.exp(1) / (Math.exp(1) + Math.exp(2));
            double w1 = Math.exp(2) / (Math.exp(2) + Math.exp(4));
            assertArrayEquals(
                    new float[] {(float) (w0 + 2 * (1 - w0)), (float) (w1 + 2 * (1 - w1))},
                    y.toFloatArray(),
                    1e-5f);
        }
    }
}
