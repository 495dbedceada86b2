package dev.tessera.examples.generate;

import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.train.api.ImageSheet;
import dev.tessera.train.api.Seeds;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PNG sheets of a run: {@code samples.png}, ten transformer samples per row, one row per class
 * (ten unconditional rows for an unconditional prior), and {@code independent.png}, the first
 * hundred independent-position samples, for comparison.
 */
final class SampleSheets {

    static final String SAMPLES = "samples.png";
    static final String INDEPENDENT = "independent.png";

    private static final int COLUMNS = 10;
    private static final int UNCONDITIONAL_ROWS = 10;
    private static final int SCALE = 2;
    private static final long SHEET_STREAM = 0x5EE7;

    private final Path out;

    SampleSheets(Path out) {
        this.out = out;
    }

    /** Writes both sheets; the transformer's are drawn anew, one row per class. */
    void write(
            TransformerPrior prior,
            SamplingSettings sampling,
            ImageBatch independent,
            TokenCodec codec)
            throws IOException {
        GridShape shape = prior.shape();
        int rows = shape.conditional() ? shape.classes() : UNCONDITIONAL_ROWS;
        int[] labels = new int[rows * COLUMNS];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = shape.conditional() ? i / COLUMNS : -1;
        }
        SamplingSettings sheet =
                new SamplingSettings(
                        sampling.temperature(),
                        sampling.topK(),
                        Seeds.mix(sampling.seed(), SHEET_STREAM, 0));
        TokenBatch grids = new GridSampler(prior, sheet).sample(labels);
        ImageSheet.write(out.resolve(SAMPLES), rowsOf(codec.decode(grids)), COLUMNS, SCALE);
        ImageSheet.write(
                out.resolve(INDEPENDENT),
                rowsOf(
                        independent.slice(
                                0, Math.min(independent.count(), UNCONDITIONAL_ROWS * COLUMNS))),
                COLUMNS,
                SCALE);
    }

    /** Consecutive runs of {@link #COLUMNS} images; a last, incomplete one is left out. */
    private static List<ImageBatch> rowsOf(ImageBatch images) {
        List<ImageBatch> rows = new ArrayList<>();
        for (int from = 0; from + COLUMNS <= images.count(); from += COLUMNS) {
            rows.add(images.slice(from, from + COLUMNS));
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(
                    "a sample sheet needs at least " + COLUMNS + " images, got " + images.count());
        }
        return rows;
    }
}
