package dev.tessera.examples.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.examples.TinyTokenizer;
import dev.tessera.format.ImageCodec;
import dev.tessera.runtime.ImageBatch;
import dev.tessera.runtime.TokenBatch;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.train.api.ImageDataSet;
import dev.tessera.train.api.Images;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The Spark job on {@code local[2]}: every Parquet row's tokens equal the runtime library's direct
 * encode of the same image; ids are complete and unique; labels, grid size, name and version are
 * right; bad input fails with the sentence a user can act on.
 */
class SparkTokenizeJobTest {

    private static final int GRID = 8;

    @TempDir static Path temp;

    private static Path model;
    private static SparkSession spark;

    @BeforeAll
    static void trainTokenizerAndStartSpark() throws IOException {
        model = temp.resolve("tiny");
        TinyTokenizer.training(model, 32).run(line -> {});
        spark =
                SparkSession.builder()
                        .master("local[2]")
                        .appName("spark-tokenize-test")
                        .config("spark.ui.enabled", "false")
                        .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void everyRowOfAnIdxSplitHoldsTheLibrarysTokensAndLabel() throws IOException {
        Path data = Files.createDirectory(temp.resolve("idx"));
        ImageBatch train = ImageDataSet.syntheticShapes(100, 11);
        int[] labels = new int[train.count()];
        Arrays.setAll(labels, i -> (i * 7) % 10);
        writeIdx(data.resolve("train-images-idx3-ubyte"), train);
        writeIdxLabels(data.resolve("train-labels-idx1-ubyte"), labels);
        writeIdx(data.resolve("t10k-images-idx3-ubyte"), ImageDataSet.syntheticShapes(20, 12));

        // Three tasks of about 33 images in batches of 16: full and partial batches.
        SparkTokenizeJob.Result result =
                new SparkTokenizeJob(spark).run(options(data, "train", 3, Integer.MAX_VALUE));

        assertEquals(100, result.rows());
        assertEquals(3, result.partitions());
        assertEquals("tiny:1", result.tokenizer());
        List<Row> rows = readBack(result);
        TokenBatch expected = libraryEncode(train);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            assertEquals(i, row.getLong(0), "ids are 0..99, each once");
            assertEquals(labels[i], row.getInt(1), "label of image " + i);
            assertRowTokens(expected.grid(i), row);
        }
    }

    @Test
    void testSplitWithLimitTakesTheFirstImagesOfT10kWithoutLabels() throws IOException {
        Path data = Files.createDirectory(temp.resolve("idx-test"));
        writeIdx(data.resolve("train-images-idx3-ubyte"), ImageDataSet.syntheticShapes(30, 21));
        ImageBatch test = ImageDataSet.syntheticShapes(20, 22);
        writeIdx(data.resolve("t10k-images-idx3-ubyte"), test);

        SparkTokenizeJob.Result result =
                new SparkTokenizeJob(spark).run(options(data, "test", 4, 7));

        List<Row> rows = readBack(result);
        assertEquals(7, rows.size());
        TokenBatch expected = libraryEncode(test.slice(0, 7));
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i, rows.get(i).getLong(0));
            assertTrue(rows.get(i).isNullAt(1), "no labels file, so no label");
            assertRowTokens(expected.grid(i), rows.get(i));
        }
    }

    @Test
    void imageFolderSplitByHoldOutMatchesTheTrainersReadingOfIt() throws IOException {
        Path data = Files.createDirectory(temp.resolve("pngs"));
        ImageBatch images = ImageDataSet.syntheticShapes(12, 31);
        for (int i = 0; i < images.count(); i++) {
            writePng(data.resolve(String.format("img-%02d.png", i)), images.image(i));
        }

        SparkTokenizeJob.Result result =
                new SparkTokenizeJob(spark).run(options(data, "train", 2, Integer.MAX_VALUE));

        // The trainer's reading of the same folder: 10% held out with seed 7, 11 images left.
        Images train = ImageDataSet.at(data.toString()).seed(7).shape(1, 32, 32).open().train();
        List<Row> rows = readBack(result);
        assertEquals(train.count(), rows.size());
        TokenBatch expected = libraryEncode(train.read(0, train.count()));
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(i, rows.get(i).getLong(0));
            assertNull(rows.get(i).get(1), "an unlabelled folder has null labels");
            assertRowTokens(expected.grid(i), rows.get(i));
        }
    }

    @Test
    void missingModelDirectoryIsOneSentenceNamingIt() throws IOException {
        Path data = Files.createDirectory(temp.resolve("idx-unused"));
        SparkTokenizeOptions options =
                new SparkTokenizeOptions(
                        data.toString(),
                        "train",
                        temp.resolve("no-such-tokenizer").toString(),
                        temp.resolve("out-none").toString(),
                        null,
                        1,
                        16,
                        Integer.MAX_VALUE,
                        1,
                        7,
                        false);

        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new SparkTokenizeJob(spark).run(options));

        assertTrue(e.getMessage().startsWith("tokenizer directory "), e.getMessage());
        assertTrue(e.getMessage().contains("no-such-tokenizer does not exist"), e.getMessage());
    }

    @Test
    void corruptIdxFileFailsTheJobWithTheReadersMessage() throws IOException {
        Path data = Files.createDirectory(temp.resolve("idx-corrupt"));
        Files.write(data.resolve("train-images-idx3-ubyte"), new byte[] {1, 2, 3, 4, 5, 6});

        Exception e =
                assertThrows(
                        Exception.class,
                        () ->
                                new SparkTokenizeJob(spark)
                                        .run(options(data, "train", 2, Integer.MAX_VALUE)));

        String message = SparkTokenizeJob.userMessage(e);
        assertTrue(
                message.contains("train-images-idx3-ubyte is not an IDX file"),
                "the executor's DataException, not Spark's stage failure: " + message);
    }

    private static SparkTokenizeOptions options(
            Path data, String split, int partitions, int limit) {
        return new SparkTokenizeOptions(
                data.toString(),
                split,
                model.toString(),
                temp.resolve("out-" + data.getFileName()).toString(),
                null,
                partitions,
                16,
                limit,
                1,
                7,
                false);
    }

    /** The written rows, by id. */
    private static List<Row> readBack(SparkTokenizeJob.Result result) {
        return spark.read().parquet(result.out()).collectAsList().stream()
                .sorted(Comparator.comparingLong(r -> r.getLong(0)))
                .toList();
    }

    private static TokenBatch libraryEncode(ImageBatch images) {
        try (Tokenizer tokenizer = Tokenizer.open(model)) {
            return tokenizer.encode(images);
        }
    }

    private static void assertRowTokens(TokenBatch expected, Row row) {
        assertEquals(GRID, row.getInt(2), "h");
        assertEquals(GRID, row.getInt(3), "w");
        int[] tokens = row.<Integer>getList(4).stream().mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected.ids(), tokens, "tokens of image " + row.getLong(0));
        assertEquals("tiny", row.getString(5));
        assertEquals("1", row.getString(6));
    }

    private static void writeIdx(Path file, ImageBatch images) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x00000803);
            out.writeInt(images.count());
            out.writeInt(images.height());
            out.writeInt(images.width());
            out.write(images.pixels());
        }
    }

    private static void writeIdxLabels(Path file, int[] labels) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x00000801);
            out.writeInt(labels.length);
            for (int label : labels) {
                out.writeByte(label);
            }
        }
    }

    private static void writePng(Path file, ImageBatch image) throws IOException {
        ImageCodec.writePng(file, image, 0);
    }
}
