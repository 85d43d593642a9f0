package io.xceptionspark.config;

import io.xceptionspark.image.PreprocessConfig;
import io.xceptionspark.inference.ModelSpec;

/**
 * A validated, immutable scoring job: what to read, which model, how to preprocess and score, where to
 * write, Spark settings, and the HTML report's settings. Built by {@link JobConfigLoader} from the bundled defaults, the site file
 * (conf/xception-spark.conf), a job file (jobs/*.conf) and command-line overrides, in that order.
 *
 * @param imagenetFallbackRandom sample job only: random weights when the ImageNet file is not cached
 * @param source input.mode: a batch run over input.paths, a stream over them, or a manifest
 */
public record JobConfig(InputOptions input, ModelSpec model, boolean imagenetFallbackRandom,
                        PreprocessOptions preprocess, ScoringOptions scoring, OutputOptions output,
                        SparkOptions spark, ReportOptions report, SourceOptions source) {

    /** The image preprocessing for this model's input size. */
    public PreprocessConfig preprocessConfig() {
        return preprocess.toPreprocessConfig(model.inputHeight(), model.inputWidth());
    }

    public JobConfig withModel(ModelSpec newModel) {
        return new JobConfig(input, newModel, imagenetFallbackRandom, preprocess, scoring, output, spark, report, source);
    }

    /** A Spark run needs inputs and an output; {@code predict} needs neither. */
    public JobConfig requireInputAndOutput() {
        if (input.paths().isEmpty() && source.mode() != InputMode.MANIFEST) {
            throw new JobConfigException("No input: set input.paths in the job file, or pass --input PATH.");
        }
        if (output.path().isBlank()) {
            throw new JobConfigException("No output: set output.path in the job file, or pass --output PATH.");
        }
        return this;
    }
}
