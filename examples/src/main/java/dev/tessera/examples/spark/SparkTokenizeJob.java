package dev.tessera.examples.spark;

import dev.tessera.runtime.InvalidInputException;
import dev.tessera.runtime.onnx.Tokenizer;
import dev.tessera.runtime.artifact.TokenizerLoadException;
import dev.tessera.train.api.ImageDataException;

import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Tokenizes a data set on Spark and writes one Parquet row per image (see {@link #SCHEMA}).
 *
 * <p>The driver reads no pixels: it checks the paths, opens the tokenizer once to fail early, and
 * hands each task a slice number. Each executor opens the tokenizer and the data set once ({@link
 * ExecutorTokenizers}, {@link ExecutorDataSets}); each task reads and encodes its own share of the
 * images in batches. The same code runs under {@code --master local[*]} and under spark-submit.
 */
public final class SparkTokenizeJob {

    /**
     * The output rows: {@code id} is the image's index in the split, {@code label} its class (null
     * when the data set has none), {@code h × w} the token grid, {@code tokens} its ids in
     * row-major order.
     */
    public static final StructType SCHEMA =
            new StructType()
                    .add("id", DataTypes.LongType, false)
                    .add("label", DataTypes.IntegerType, true)
                    .add("h", DataTypes.IntegerType, false)
                    .add("w", DataTypes.IntegerType, false)
                    .add("tokens", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
                    .add("tokenizer_name", DataTypes.StringType, false)
                    .add("tokenizer_version", DataTypes.StringType, false);

    /**
     * What a run wrote.
     *
     * @param rows rows in the output, one per image
     * @param seconds wall time of the Spark job (reading, encoding, writing), without session
     *     start-up
     * @param tokenizer name and version of the tokenizer, e.g. {@code mnist:1}
     * @param partitions Spark tasks the images were split into
     * @param out the output directory
     */
    public record Result(long rows, double seconds, String tokenizer, int partitions, String out) {

        public double imagesPerSecond() {
            return rows / seconds;
        }
    }

    private final SparkSession spark;

    /** A job running on {@code spark}, which the caller owns. */
    public SparkTokenizeJob(SparkSession spark) {
        this.spark = spark;
    }

    public static void main(String[] args) {
        boolean verbose = List.of(args).contains("--verbose");
        try {
            SparkTokenizeOptions options = SparkTokenizeOptions.parse(args);
            if (options == null) {
                System.out.print(SparkTokenizeOptions.USAGE);
                return;
            }
            // Before Spark starts, so that a mistyped path costs no session start-up.
            checkPaths(options);
            Result result;
            try (SparkSession spark = session(options.master(), "tessera-tokenize")) {
                result = new SparkTokenizeJob(spark).run(options);
            }
            report(result, options, System.out);
        } catch (IllegalArgumentException e) {
            exit(e, verbose, 2);
        } catch (Exception e) {
            exit(e, verbose, 1);
        }
    }

    /**
     * A Spark session on {@code master}, or on the master spark-submit configured when it is null.
     *
     * @throws IllegalArgumentException if neither names a master
     */
    public static SparkSession session(String master, String appName) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        SparkConf given = new SparkConf();
        if (master != null) {
            builder.master(master);
            // A run from the command line: warnings only, unless -Dspark.log.level says otherwise.
            // Under spark-submit the cluster's logging configuration applies.
            if (!given.contains("spark.log.level")) {
                builder.config("spark.log.level", "WARN");
            }
        } else if (!given.contains("spark.master")) {
            throw new IllegalArgumentException(
                    "no Spark master: pass --master local[*] to run on this machine, or start the"
                            + " job with spark-submit");
        }
        return builder.getOrCreate();
    }

    /**
     * Tokenizes the split and writes it to {@code options.out()}.
     *
     * @throws IllegalArgumentException if a path is missing or {@code out} exists without {@code
     *     overwrite}
     * @throws TokenizerLoadException if the model directory is not a valid tokenizer
     * @throws org.apache.spark.SparkException wrapping the task's error if a task fails
     */
    public Result run(SparkTokenizeOptions options) {
        checkPaths(options);
        Tokenizer tokenizer = openOnDriver(options);
        checkOut(options);
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slices = options.partitions() > 0 ? options.partitions() : context.defaultParallelism();
        TokenizeTask task =
                new TokenizeTask(
                        options.data(),
                        options.split(),
                        options.model(),
                        options.threads(),
                        options.seed(),
                        options.limit(),
                        slices,
                        options.batchSize());
        long start = System.nanoTime();
        // One element per slice, so each task gets exactly its slice number.
        JavaRDD<Row> rows =
                context.parallelize(IntStream.range(0, slices).boxed().toList(), slices)
                        .flatMap(task);
        spark.createDataFrame(rows, SCHEMA)
                .write()
                .mode(options.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .parquet(options.out());
        double seconds = (System.nanoTime() - start) / 1e9;
        long written = spark.read().parquet(options.out()).count();
        return new Result(
                written,
                seconds,
                tokenizer.name() + ":" + tokenizer.version(),
                slices,
                options.out());
    }

    /**
     * Checks that the model directory and the data path exist here on the driver.
     *
     * @throws IllegalArgumentException naming the option and the path otherwise
     */
    static void checkPaths(SparkTokenizeOptions options) {
        Path dir = Path.of(options.model());
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "tokenizer directory "
                            + dir
                            + " does not exist; --model must name a directory written by tessera"
                            + " train, readable on the driver and on every executor");
        }
        String data = options.data();
        if (!data.equals("synthetic") && !Files.exists(Path.of(data))) {
            throw new IllegalArgumentException(
                    "data path "
                            + data
                            + " does not exist; --data must name an IDX directory or file, an"
                            + " image folder or a .npy file readable on every executor");
        }
    }

    /** Opens the tokenizer on the driver, so that a bad directory fails before any task runs. */
    private static Tokenizer openOnDriver(SparkTokenizeOptions options) {
        Path dir = Path.of(options.model());
        try {
            return ExecutorTokenizers.get(options.model(), options.threads());
        } catch (TokenizerLoadException e) {
            throw new TokenizerLoadException(
                    "tokenizer directory " + dir + " cannot be opened: " + e.getMessage(), e);
        }
    }

    private void checkOut(SparkTokenizeOptions options) {
        if (options.overwrite()) {
            return;
        }
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(options.out());
        try {
            FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(out)) {
                throw new IllegalArgumentException(
                        "output directory "
                                + options.out()
                                + " exists; pass --overwrite to replace it or choose another"
                                + " --out");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot check output directory " + options.out() + ": " + e.getMessage(), e);
        }
    }

    private static void report(Result result, SparkTokenizeOptions options, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "tokenized %d images of %s (%s) with %s in %d tasks: %.1f s, %.0f images/s%n"
                        + "wrote %s%n",
                result.rows(),
                options.data(),
                options.split(),
                result.tokenizer(),
                result.partitions(),
                result.seconds(),
                result.imagesPerSecond(),
                result.out());
    }

    /** Reports the error a user can act on as one line (plus the stack trace with --verbose). */
    private static void exit(Exception e, boolean verbose, int status) {
        System.err.println("tessera spark-tokenize: " + userMessage(e));
        if (verbose) {
            e.printStackTrace(System.err);
        }
        System.exit(status);
    }

    /**
     * The message of the error behind {@code e}: a task's data, tokenizer or input error reaches
     * the driver wrapped in Spark's job-failure exceptions, whose own messages are stack traces.
     */
    static String userMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ImageDataException
                    || t instanceof TokenizerLoadException
                    || t instanceof InvalidInputException
                    || t instanceof IllegalArgumentException
                    || t instanceof UncheckedIOException) {
                return t.getMessage();
            }
        }
        return e.getMessage();
    }
}
