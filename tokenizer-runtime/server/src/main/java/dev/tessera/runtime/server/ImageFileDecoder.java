package dev.tessera.runtime.server;

import dev.tessera.api.v1.EncodedImages;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.format.ImageFileException;
import dev.tessera.format.ImageFileReader;
import dev.tessera.runtime.InvalidInputException;

/**
 * Turns the PNG and JPEG files of a request into a uint8 NCHW batch of a model's exact size, with
 * the library's {@link ImageFileReader}; every refusal names the request field ({@code
 * encoded.images[i]}) and what was expected.
 */
final class ImageFileDecoder {

    private final int channels;
    private final int height;
    private final int width;

    ImageFileDecoder(int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    ImageBatch decode(EncodedImages files, int maxBatch) {
        int n = files.getImagesCount();
        if (n == 0) {
            throw new InvalidInputException(
                    "encoded.images", "encoded.images: expected at least one image, got none");
        }
        if (channels != 1 && channels != 3) {
            throw new InvalidInputException(
                    "encoded",
                    "encoded: expected raw pixels for this model's "
                            + channels
                            + "-channel input; PNG/JPEG input needs 1 or 3 channels");
        }
        BatchLimitException.check("encoded.images", n, maxBatch);
        ImageFileReader reader = new ImageFileReader(channels, height, width);
        int size = reader.imageSize();
        byte[] pixels = new byte[n * size];
        for (int i = 0; i < n; i++) {
            byte[] bytes = files.getImages(i).getData().toByteArray();
            try {
                reader.decode(bytes, pixels, i * size);
            } catch (ImageFileException e) {
                throw refusal("encoded.images[" + i + "]", bytes.length, e);
            }
        }
        return new ImageBatch(n, channels, height, width, pixels);
    }

    private InvalidInputException refusal(String field, int length, ImageFileException e) {
        return switch (e.reason()) {
            case NOT_AN_IMAGE -> undecodable(field, length, null);
            case UNREADABLE -> undecodable(field, length, e.getCause());
            case UNSUPPORTED_FORMAT ->
                    new InvalidInputException(
                            field, field + ": expected a PNG or JPEG image, got " + e.format());
            case WRONG_SIZE ->
                    new InvalidInputException(
                            field,
                            field
                                    + ": expected "
                                    + width
                                    + "x"
                                    + height
                                    + " pixels (width x height), got "
                                    + e.width()
                                    + "x"
                                    + e.height());
        };
    }

    private static InvalidInputException undecodable(String field, int length, Throwable cause) {
        String why =
                cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")";
        return new InvalidInputException(
                field,
                field
                        + ": expected a PNG or JPEG image, got "
                        + length
                        + " bytes that do not decode as one"
                        + why);
    }
}
