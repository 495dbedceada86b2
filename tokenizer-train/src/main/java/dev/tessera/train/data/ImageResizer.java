package dev.tessera.train.data;

/**
 * Scales planar (CHW) uint8 images: bilinear interpolation where an axis grows, area averaging
 * where it shrinks, so that shrinking by a large factor still looks at every source pixel instead
 * of aliasing.
 */
final class ImageResizer {

    private ImageResizer() {}

    /**
     * The image {@code pixels} ({@code channels × height × width}) brought to {@code targetHeight ×
     * targetWidth}; with {@link ResizeMode#CENTER_CROP} only the largest centred region with the
     * target's aspect ratio is kept.
     */
    static byte[] resize(
            byte[] pixels,
            int channels,
            int height,
            int width,
            int targetHeight,
            int targetWidth,
            ResizeMode mode) {
        int cropHeight = height;
        int cropWidth = width;
        if (mode == ResizeMode.CENTER_CROP) {
            // Compare aspect ratios in integers to keep exact crops exact.
            if ((long) width * targetHeight > (long) height * targetWidth) {
                cropWidth =
                        clampSize(Math.round((double) height * targetWidth / targetHeight), width);
            } else {
                cropHeight =
                        clampSize(Math.round((double) width * targetHeight / targetWidth), height);
            }
        }
        int top = (height - cropHeight) / 2;
        int left = (width - cropWidth) / 2;
        if (cropHeight == targetHeight && cropWidth == targetWidth) {
            return crop(pixels, channels, height, width, top, left, cropHeight, cropWidth);
        }
        AxisWeights rows = AxisWeights.of(cropHeight, targetHeight, top);
        AxisWeights cols = AxisWeights.of(cropWidth, targetWidth, left);
        byte[] out = new byte[channels * targetHeight * targetWidth];
        float[] rowBuffer = new float[cropHeight * targetWidth];
        for (int c = 0; c < channels; c++) {
            int plane = c * height * width;
            for (int y = 0; y < cropHeight; y++) {
                int row = plane + (top + y) * width;
                for (int x = 0; x < targetWidth; x++) {
                    rowBuffer[y * targetWidth + x] = cols.apply(pixels, row, x);
                }
            }
            int outPlane = c * targetHeight * targetWidth;
            for (int y = 0; y < targetHeight; y++) {
                for (int x = 0; x < targetWidth; x++) {
                    float v = rows.applyColumn(rowBuffer, top, targetWidth, x, y);
                    out[outPlane + y * targetWidth + x] = toByte(v);
                }
            }
        }
        return out;
    }

    private static int clampSize(long size, int limit) {
        return (int) Math.max(1, Math.min(limit, size));
    }

    private static byte[] crop(
            byte[] pixels, int channels, int height, int width, int top, int left, int h, int w) {
        if (h == height && w == width) {
            return pixels.clone();
        }
        byte[] out = new byte[channels * h * w];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                System.arraycopy(
                        pixels, (c * height + top + y) * width + left, out, (c * h + y) * w, w);
            }
        }
        return out;
    }

    private static byte toByte(float v) {
        return (byte) Math.max(0, Math.min(255, Math.round(v)));
    }

    /**
     * For each output position along one axis, the source positions that feed it and their weights
     * (summing to 1). Source positions are absolute, i.e. include the crop offset.
     */
    private record AxisWeights(int[][] index, float[][] weight) {

        static AxisWeights of(int sourceLength, int targetLength, int offset) {
            int[][] index = new int[targetLength][];
            float[][] weight = new float[targetLength][];
            double scale = (double) sourceLength / targetLength;
            for (int o = 0; o < targetLength; o++) {
                if (targetLength < sourceLength) {
                    areaWeights(o, scale, sourceLength, index, weight);
                } else {
                    bilinearWeights(o, scale, sourceLength, index, weight);
                }
                for (int k = 0; k < index[o].length; k++) {
                    index[o][k] += offset;
                }
            }
            return new AxisWeights(index, weight);
        }

        /** Half-pixel centres, as PyTorch's align_corners=false, clamped at the borders. */
        private static void bilinearWeights(
                int o, double scale, int n, int[][] index, float[][] weight) {
            double src = Math.max(0, Math.min(n - 1, (o + 0.5) * scale - 0.5));
            int i0 = (int) Math.floor(src);
            int i1 = Math.min(i0 + 1, n - 1);
            float f = (float) (src - i0);
            index[o] = new int[] {i0, i1};
            weight[o] = new float[] {1 - f, f};
        }

        /** Output pixel o covers [o·scale, (o+1)·scale) of the source; weight = overlap share. */
        private static void areaWeights(
                int o, double scale, int n, int[][] index, float[][] weight) {
            double start = o * scale;
            double end = Math.min(n, (o + 1) * scale);
            int first = (int) Math.floor(start);
            int last = Math.min(n - 1, (int) Math.ceil(end) - 1);
            index[o] = new int[last - first + 1];
            weight[o] = new float[last - first + 1];
            for (int i = first; i <= last; i++) {
                double overlap = Math.min(end, i + 1) - Math.max(start, i);
                index[o][i - first] = i;
                weight[o][i - first] = (float) (overlap / scale);
            }
        }

        float apply(byte[] pixels, int rowStart, int out) {
            float sum = 0;
            for (int k = 0; k < index[out].length; k++) {
                sum += weight[out][k] * Byte.toUnsignedInt(pixels[rowStart + index[out][k]]);
            }
            return sum;
        }

        /** Along a column of the row-resized buffer, whose row 0 is source row {@code offset}. */
        float applyColumn(float[] buffer, int offset, int stride, int column, int out) {
            float sum = 0;
            for (int k = 0; k < index[out].length; k++) {
                sum += weight[out][k] * buffer[(index[out][k] - offset) * stride + column];
            }
            return sum;
        }
    }
}
