package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.util.SplittableRandom;

/**
 * The built-in data set: grayscale images of filled circles, squares, triangles and striped patches
 * at random positions, sizes and intensities on a dark background of random level. Generated from a
 * seed, so the same seed always gives the same images, and it needs no download.
 */
public final class SyntheticShapes {

    /** Side of the generated images. */
    public static final int SIZE = 32;

    private final int size;

    public SyntheticShapes() {
        this(SIZE);
    }

    public SyntheticShapes(int size) {
        if (size < 8) {
            throw new IllegalArgumentException(
                    "synthetic images must be at least 8 pixels wide, got " + size);
        }
        this.size = size;
    }

    /**
     * {@code count} images [count, 1, size, size] drawn from the generator seeded with {@code
     * seed}.
     */
    public ImageBatch generate(int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        byte[] pixels = new byte[count * size * size];
        SplittableRandom random = new SplittableRandom(seed);
        float[] canvas = new float[size * size];
        for (int i = 0; i < count; i++) {
            drawImage(canvas, random.split());
            for (int p = 0; p < canvas.length; p++) {
                pixels[i * canvas.length + p] =
                        (byte) Math.round(Math.max(0, Math.min(255, canvas[p])));
            }
        }
        return new ImageBatch(count, 1, size, size, pixels);
    }

    private void drawImage(float[] canvas, SplittableRandom random) {
        java.util.Arrays.fill(canvas, (float) random.nextDouble(0, 40));
        int shapes = 1 + random.nextInt(3);
        for (int s = 0; s < shapes; s++) {
            float intensity = (float) random.nextDouble(90, 255);
            double half = random.nextDouble(size * 0.12, size * 0.3);
            double cx = random.nextDouble(half * 0.6, size - half * 0.6);
            double cy = random.nextDouble(half * 0.6, size - half * 0.6);
            ShapeKind kind = ShapeKind.values()[random.nextInt(ShapeKind.values().length)];
            boolean vertical = random.nextBoolean();
            int period = 2 + random.nextInt(3);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double dx = x + 0.5 - cx;
                    double dy = y + 0.5 - cy;
                    if (kind.contains(dx, dy, half, vertical ? x : y, period)) {
                        canvas[y * size + x] = intensity;
                    }
                }
            }
        }
    }

    /** The kinds of shape, each a point test relative to the shape's centre. */
    private enum ShapeKind {
        CIRCLE {
            @Override
            boolean contains(double dx, double dy, double half, int line, int period) {
                return dx * dx + dy * dy <= half * half;
            }
        },
        SQUARE {
            @Override
            boolean contains(double dx, double dy, double half, int line, int period) {
                return Math.abs(dx) <= half && Math.abs(dy) <= half;
            }
        },
        TRIANGLE {
            @Override
            boolean contains(double dx, double dy, double half, int line, int period) {
                // Apex up: the row's half-width grows linearly from 0 at the top to `half` at the
                // base.
                double t = (dy + half) / (2 * half);
                return t >= 0 && t <= 1 && Math.abs(dx) <= t * half;
            }
        },
        STRIPES {
            @Override
            boolean contains(double dx, double dy, double half, int line, int period) {
                return Math.abs(dx) <= half && Math.abs(dy) <= half && (line / period) % 2 == 0;
            }
        };

        abstract boolean contains(double dx, double dy, double half, int line, int period);
    }
}
