package dev.tessera.train.data;

import dev.tessera.runtime.ImageBatch;

import java.util.SplittableRandom;

/**
 * The built-in data set: images of filled circles, squares, triangles and striped patches at random
 * positions and sizes on a dark background, grayscale (random intensities and background level) or
 * RGB (a random colour per shape and for the background). Generated from a seed, so the same seed
 * always gives the same images, and it needs no download.
 */
public final class SyntheticShapes {

    /** Side of the generated images. */
    public static final int SIZE = 32;

    private final int size;
    private final int channels;

    public SyntheticShapes() {
        this(SIZE);
    }

    /** Grayscale images of side {@code size}. */
    public SyntheticShapes(int size) {
        this(size, 1);
    }

    /** Images of side {@code size} with 1 (grayscale) or 3 (RGB) channels. */
    public SyntheticShapes(int size, int channels) {
        if (size < 8) {
            throw new IllegalArgumentException(
                    "synthetic images must be at least 8 pixels wide, got " + size);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException(
                    "synthetic images have 1 or 3 channels, got " + channels);
        }
        this.size = size;
        this.channels = channels;
    }

    /**
     * {@code count} images [count, channels, size, size] drawn from the generator seeded with
     * {@code seed}.
     */
    public ImageBatch generate(int count, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive, got " + count);
        }
        byte[] pixels = new byte[count * channels * size * size];
        SplittableRandom random = new SplittableRandom(seed);
        float[] canvas = new float[channels * size * size];
        for (int i = 0; i < count; i++) {
            drawImage(canvas, random.split());
            for (int p = 0; p < canvas.length; p++) {
                pixels[i * canvas.length + p] =
                        (byte) Math.round(Math.max(0, Math.min(255, canvas[p])));
            }
        }
        return new ImageBatch(count, channels, size, size, pixels);
    }

    private void drawImage(float[] canvas, SplittableRandom random) {
        int plane = size * size;
        // Grayscale draws exactly what it always drew; RGB draws its colours on top of that.
        float level = (float) random.nextDouble(0, 40);
        for (int c = 0; c < channels; c++) {
            float value = channels == 1 ? level : (float) random.nextDouble(0, 60);
            java.util.Arrays.fill(canvas, c * plane, (c + 1) * plane, value);
        }
        int shapes = 1 + random.nextInt(3);
        float[] colour = new float[channels];
        for (int s = 0; s < shapes; s++) {
            float intensity = (float) random.nextDouble(90, 255);
            if (channels == 1) {
                colour[0] = intensity;
            } else {
                // A random colour with one channel at least as bright as a grayscale shape.
                for (int c = 0; c < channels; c++) {
                    colour[c] = (float) random.nextDouble(0, 255);
                }
                colour[random.nextInt(channels)] = intensity;
            }
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
                        for (int c = 0; c < channels; c++) {
                            canvas[c * plane + y * size + x] = colour[c];
                        }
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
