package io.xceptionspark.cli;

import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.config.Preload;
import io.xceptionspark.report.HtmlReport;
import io.xceptionspark.spark.JobPreflight;
import io.xceptionspark.spark.ModelPreflight;
import io.xceptionspark.spark.ResultPreview;
import io.xceptionspark.spark.RunSummary;
import io.xceptionspark.spark.ScoringJob;
import io.xceptionspark.spark.SparkSessions;
import io.xceptionspark.spark.WarmExecutorPlugin;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code xception-spark score}: the Spark batch job. */
@Command(name = "score", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score image files with Spark and write one Parquet row per file: top-k labels, 2048-d"
                + " embeddings, or both.",
            "Settings come from the bundled defaults, conf/xception-spark.conf, the --job file, then the flags below."},
        footerHeading = "%nConfiguration keys (set in a job file inside xception-spark { }, or with --set KEY=VALUE):%n")
final class ScoreCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--input", paramLabel = "PATH", description = "Input file, directory or glob (repeatable):"
            + " input.paths.")
    List<String> inputs = new ArrayList<>();

    @Option(names = "--output", paramLabel = "PATH", description = "Output Parquet dataset: output.path.")
    String output;

    @Option(names = "--mode", paramLabel = "MODE", description = "labels, embeddings or both: scoring.mode.")
    String mode;

    @Mixin
    ModelOptions model;

    @Option(names = "--incremental", description = "Only score files whose (path, modification time) is not in the"
            + " output yet, and append: output.incremental = true, output.save-mode = append.")
    boolean incremental;

    @Option(names = "--stream", description = "Score input.paths as a Structured Streaming file source with a"
            + " checkpoint: only files not scored yet, each exactly once, then stop (Trigger.AvailableNow; or"
            + " input.stream.trigger = 1 minute for always on): input.mode = stream, output.save-mode = append.")
    boolean stream;

    @Option(names = "--checkpoint", paramLabel = "PATH", description = "The stream's checkpoint directory:"
            + " input.stream.checkpoint.")
    String checkpoint;

    @Option(names = "--manifest", paramLabel = "TABLE|PATH", description = "Score the files or http(s) URLs a"
            + " table's or a Parquet/Delta/CSV file's column names: input.mode = manifest, input.manifest.source.")
    String manifest;

    @Option(names = "--sql", paramLabel = "QUERY", description = "A Spark SQL query whose result is the manifest:"
            + " input.mode = manifest, input.manifest.sql.")
    String sql;

    @Option(names = "--path-column", paramLabel = "COL", description = "The manifest's column of paths or URLs:"
            + " input.manifest.path-column.")
    String pathColumn;

    @Option(names = "--report", description = "After the run, write the HTML report of the whole output to"
            + " OUTPUT/_report.html: output.report = true.")
    boolean report;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master when not run by spark-submit:"
            + " spark.master. With spark://HOST:PORT the launcher ships its jar (spark.jars) and conf/spark-defaults.conf's"
            + " executor settings itself; yarn and k8s:// need scripts/submit.sh.")
    String master;

    @Option(names = "--dry-run", description = "Check the configuration and paths, print the resolved configuration"
            + " and the spark-submit line, and stop.")
    boolean dryRun;

    @Option(names = "--show", paramLabel = "N", description = "After the run, print N of the rows it wrote.")
    int show;

    @Spec
    CommandSpec spec;

    private final PrintStream out;

    ScoreCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        JobConfigLoader loader = config.loader();
        if (!inputs.isEmpty()) {
            loader.setList("input.paths", inputs);
        }
        ConfigOptions.setIf(loader, "output.path", output);
        ConfigOptions.setIf(loader, "scoring.mode", mode);
        model.apply(loader);
        if (incremental) {
            loader.set("output.incremental", "true").set("output.save-mode", "append");
        }
        if (report) {
            loader.set("output.report", "true");
        }
        if (stream) {
            loader.set("input.mode", "stream").set("output.save-mode", "append");
        }
        ConfigOptions.setIf(loader, "input.stream.checkpoint", checkpoint);
        if (manifest != null || sql != null) {
            loader.set("input.mode", "manifest");
        }
        ConfigOptions.setIf(loader, "input.manifest.source", manifest);
        ConfigOptions.setIf(loader, "input.manifest.sql", sql);
        ConfigOptions.setIf(loader, "input.manifest.path-column", pathColumn);
        ConfigOptions.setIf(loader, "spark.master", master);
        JobConfig job = loader.load().requireInputAndOutput();
        // before the model load and Spark's start: what C2 compiles from here on (this JVM scores in local mode)
        job.spark().optimizingCompiler().applyToThisJvm();
        Path sparkDefaults = Launcher.sparkDefaults().orElse(null);
        String effectiveMaster = SparkSessions.master(job, sparkDefaults);
        // a cluster master: ship the jar as spark-submit would, or refuse now, before Spark starts
        Map<String, String> launcherSettings = ClusterLaunch.settings(effectiveMaster);
        out.println("spark-submit equivalent:\n  " + Launcher.sparkSubmitLine(effectiveMaster,
                spec.commandLine().getParseResult().originalArgs()));
        Configuration hadoop = JobPreflight.hadoopConf(job);
        JobPreflight.check(job, hadoop);
        if (dryRun) {
            out.println("Resolved configuration:");
            out.println(loader.merged().getConfig(ConfigKeys.NAMESPACE).root().render(
                    com.typesafe.config.ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
            launcherSettings.forEach((k, v) -> out.println("Launcher adds for the cluster: " + k + "=" + v));
            out.println("Configuration and paths are valid (dry run: nothing was scored).");
            return ExitCodes.OK;
        }
        // The model is loaded before the job touches any data: a bad weights file fails in seconds, with
        // nothing written. Against a cluster the session (and so the executors' launch) starts meanwhile.
        JobConfig resolved = ModelPreflight.resolve(job, out);
        if (resolved.spark().preload().warmsTheDriver(effectiveMaster)) {
            // this JVM runs the tasks: its spare core warms the image kernels while the model loads and Spark starts
            WarmExecutorPlugin.Warmup.of(resolved).beginKernelWarmup();
        }
        boolean ownSession = SparkSession.getDefaultSession().isEmpty();
        EarlySession early = Preload.isLocal(effectiveMaster) ? null
                : EarlySession.start(() -> SparkSessions.create(resolved, sparkDefaults, launcherSettings));
        JobConfig loaded;
        try (ModelPreflight.Loaded preflight = ModelPreflight.load(resolved, hadoop, out)) {
            loaded = preflight.config(); // the model stays cached for the run
        } catch (RuntimeException e) {
            if (early != null && ownSession) {
                early.abandon();
            }
            throw e;
        }
        SparkSession spark = early != null ? early.get() : SparkSessions.create(loaded, sparkDefaults, launcherSettings);
        try {
            RunSummary summary = ScoringJob.run(spark, loaded, out);
            out.println();
            out.print(summary.table());
            out.println("  (summary JSON: " + summary.output() + "/" + ScoringJob.SUMMARY_FILE + ")");
            if (show > 0 && summary.scored() + summary.failed() > 0) {
                out.println();
                out.print(ResultPreview.of(spark, summary, show));
            }
            if (loaded.output().report()) {
                try {
                    HtmlReport.Written written = HtmlReport.of(loaded).write(spark, summary.output(),
                            new org.apache.hadoop.fs.Path(summary.output(), HtmlReport.FILE).toString());
                    out.println(String.format(java.util.Locale.ROOT, "  (report: %s, %.1f s)", written.file(),
                            written.seconds()));
                } catch (JobConfigException e) {
                    out.println("  (no report: " + e.getMessage() + ")"); // the run itself succeeded
                }
            }
            return ExitCodes.OK;
        } finally {
            if (ownSession) {
                spark.stop();
            }
        }
    }
}
