package io.xceptionspark.cli;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.report.HtmlReport;
import io.xceptionspark.spark.SparkSessions;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code xception-spark report}: the HTML report of an existing output, made with Spark. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a self-contained HTML report of a score output: run summary and history, label and"
                + " confidence charts, a gallery of thumbnails, failures by error code, an embedding map and nearest"
                + " neighbours.",
            "Sampling is set by the report.* keys (see score --help); Spark by spark.*."},
        footer = {"", "Exit codes: 0 ok, 2 usage error or an output with no results, 1 unexpected failure."})
final class ReportCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--index", paramLabel = "OUT", required = true,
            description = "The output of a score run (its output.path).")
    String index;

    @Option(names = "--output", paramLabel = "FILE", required = true,
            description = "The HTML file to write (any Hadoop path), e.g. report.html.")
    String output;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit:"
            + " spark.master.")
    String master;

    private final PrintStream out;

    ReportCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        JobConfigLoader loader = config.loader();
        ConfigOptions.setIf(loader, "spark.master", master);
        JobConfig job = loader.load();
        if (index.isBlank() || output.isBlank()) {
            throw new JobConfigException("report needs --index OUT (a score output) and --output FILE.html.");
        }
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSessions.create(job, Launcher.sparkDefaults().orElse(null));
        try {
            HtmlReport.Written written = HtmlReport.of(job).write(spark, index, output);
            out.println(String.format(Locale.ROOT, "xception-spark: report of %,d rows written to %s (%,d KiB, %.1f s)",
                    written.data().totals().rows(), written.file(), written.bytes() / 1024, written.seconds()));
            return ExitCodes.OK;
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }
}
