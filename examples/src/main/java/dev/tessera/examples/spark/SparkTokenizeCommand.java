package dev.tessera.examples.spark;

import dev.tessera.cli.CommandFailedException;
import dev.tessera.cli.CommonOptions;

import org.apache.spark.sql.SparkSession;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tessera spark-tokenize}: the job's options, a session, the run ({@link SparkTokenizeJob}).
 */
@Command(
        name = "spark-tokenize",
        sortOptions = false,
        synopsisHeading = "",
        customSynopsis = {
            "usage: tessera spark-tokenize --data PATH --model DIR --out DIR [--split train|test]",
            "           [--master URL] [--partitions N] [--batch-size N] [--limit N] [--threads N]",
            "           [--seed S] [--overwrite] [--verbose]",
            ""
        },
        description = {
            "Tokenizes a data set into Parquet rows on Spark.",
            "",
            "Tokenizes a data set on Spark, one tokenizer per executor, and writes Parquet rows"
                    + " (id, label, h, w, tokens, tokenizer_name, tokenizer_version).",
            ""
        })
final class SparkTokenizeCommand implements Callable<Integer> {

    private final PrintStream out;

    @Mixin private SparkJobOptions job;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            required = true,
            description = "where to write the Parquet files (any Hadoop file system URI)")
    private String dir;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master, e.g. local[*]; leave out under spark-submit")
    private String master;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "seed of the hold-out split (default ${DEFAULT-VALUE})")
    private long seed = 7;

    @Option(names = "--overwrite", description = "replace --out if it exists")
    private boolean overwrite;

    @Mixin private CommonOptions common;

    SparkTokenizeCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        SparkTokenizeOptions options = job.job(dir, master, job.limit(), seed, overwrite);
        SparkTokenizeJob.Result result;
        try {
            // Before Spark starts, so that a mistyped path costs no session start-up.
            SparkTokenizeJob.checkPaths(options);
            try (SparkSession spark =
                    SparkTokenizeJob.session(options.master(), "tessera-tokenize")) {
                result = new SparkTokenizeJob(spark).run(options);
            }
        } catch (Exception e) {
            // A task's error reaches the driver wrapped in Spark's job failures: its own message.
            throw new CommandFailedException(SparkTokenizeJob.userMessage(e), e);
        }
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
        return 0;
    }
}
