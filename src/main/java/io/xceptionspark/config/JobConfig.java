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
 * @param settings every key's resolved typed value, for the consumers that take keys by role
 */
public record JobConfig(InputOptions input, ModelSpec model, boolean imagenetFallbackRandom,
                        PreprocessOptions preprocess, ScoringOptions scoring, OutputOptions output,
                        SparkOptions spark, ReportOptions report, SourceOptions source, Settings settings) {

    /** The image preprocessing for this model's input size. */
    public PreprocessConfig preprocessConfig() {
        return preprocess.toPreprocessConfig(model.inputHeight(), model.inputWidth());
    }

    /** The job with other weights (the sample job's fallback to random weights: {@code none}). */
    public JobConfig withWeights(String weights) {
        ModelSpec other = model.withWeights(weights);
        return new JobConfig(input, other, imagenetFallbackRandom, preprocess, scoring, output, spark, report, source,
                ModelSection.resolved(settings, other, preprocess));
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
