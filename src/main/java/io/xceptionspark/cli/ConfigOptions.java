package io.xceptionspark.cli;

import io.xceptionspark.config.JobConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options both subcommands share: a job file and --set overrides, applied over the site defaults. */
final class ConfigOptions {
    @Option(names = "--job", paramLabel = "FILE", description = "Job file (HOCON, see jobs/): its keys override the defaults.")
    Path job;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set any configuration key, like spark-submit's"
            + " --conf (repeatable), e.g. --set scoring.top-k=3 or --set spark.conf.spark.executor.memory=4g.")
    List<String> sets = new ArrayList<>();

    /** Site file (conf/xception-spark.conf via the launcher), then the job file, then --set overrides. */
    JobConfigLoader loader() {
        JobConfigLoader loader = new JobConfigLoader();
        Launcher.siteFile().ifPresent(loader::file);
        if (job != null) {
            loader.file(job);
        }
        sets.forEach(loader::assignment);
        return loader;
    }

    /** Sets a key when its flag was given. */
    static void setIf(JobConfigLoader loader, String key, Object value) {
        if (value != null) {
            loader.set(key, value.toString());
        }
    }
}
