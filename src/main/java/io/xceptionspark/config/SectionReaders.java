package io.xceptionspark.config;

import io.xceptionspark.inference.CompilerScope;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One reader per section of the job (input, stream / manifest / http, scoring, output, report, spark): each reads
 * its keys as their declared types ({@link ConfigReader}; types and ranges are in defaults.conf) into its options
 * record and checks the rules that combine keys, in the job's words. The model and preprocess sections
 * are {@link ModelSection}'s.
 */
final class SectionReaders {
    private SectionReaders() {}

    static InputOptions input(ConfigReader r) {
        return new InputOptions(r.strings("input.paths"), r.bool("input.recursive"), r.string("input.path-glob-filter"),
                r.string("input.modified-before"), r.string("input.modified-after"),
                r.integer("input.images-per-partition"), r.integer("input.tasks-per-core"));
    }

    static ScoringOptions scoring(ConfigReader r) {
        return new ScoringOptions(r.choice("scoring.mode", ScoringMode.class), r.integer("scoring.top-k"),
                r.bool("scoring.normalize-embeddings"), r.bool("scoring.include-logits"),
                r.integer("scoring.batch-size"), r.auto("scoring.intra-op-threads"));
    }

    static OutputOptions output(ConfigReader r) {
        OutputFormat format = r.choice("output.format", OutputFormat.class);
        String txnAppId = r.string("output.delta.txn-app-id");
        long txnVersion = r.longValue("output.delta.txn-version");
        OutputOptions output = new OutputOptions(r.string("output.path"), r.choice("output.save-mode", SaveMode.class),
                partitionColumns(r), r.bool("output.incremental"), format, txnAppId, txnVersion,
                r.bool("output.report"), r.bool("output.allow-non-atomic-publish"));
        if (format != OutputFormat.DELTA && (txnVersion != OutputOptions.NO_TXN_VERSION
                || !txnAppId.equals(OutputOptions.DEFAULT_TXN_APP_ID))) {
            r.add("output.delta.txn-app-id / output.delta.txn-version are Delta options, but output.format = "
                    + format.configName() + ". Set output.format = delta, or remove them.");
        }
        if (txnAppId.isBlank()) {
            r.problem("output.delta.txn-app-id", "must not be empty");
        }
        if (format == OutputFormat.DELTA && output.incremental() && txnVersion != OutputOptions.NO_TXN_VERSION) {
            r.add("output.delta.txn-version makes appends idempotent; incremental runs (MERGE on path) are"
                    + " idempotent already (a rerun finds nothing new to merge). Remove output.delta.txn-version.");
        }
        if (output.incremental() && output.saveMode() != SaveMode.APPEND) {
            r.add("output.incremental = true adds rows to the existing output, so it needs output.save-mode"
                    + " = append (got " + output.saveMode().configName() + "); --incremental sets both.");
        }
        return output;
    }

    private static List<String> partitionColumns(ConfigReader r) {
        List<String> columns = r.strings("output.partition-by");
        // which columns may partition the output is the output row's to say: JobPreflight checks it
        if (new LinkedHashSet<>(columns).size() != columns.size()) {
            r.problem("output.partition-by", "lists a column twice");
        }
        return columns;
    }

    static ReportOptions report(ConfigReader r) {
        return new ReportOptions(r.integer("report.sample-images"), r.integer("report.thumbnail-size"),
                r.integer("report.neighbour-queries"), r.integer("report.neighbours"));
    }

    static SparkOptions spark(ConfigReader r) {
        return new SparkOptions(r.string("spark.master"), r.string("spark.app-name"), r.map("spark.conf"),
                r.choice("scoring.preload", Preload.class),
                r.choice("scoring.optimizing-compiler", CompilerScope.class));
    }

    /** input.mode and what it needs: a stream's checkpoint, a manifest's source; the http client for URLs. */
    static SourceOptions source(ConfigReader r, OutputOptions output) {
        InputMode mode = r.choice("input.mode", InputMode.class);
        Auto<Duration> trigger = r.auto("input.stream.trigger");
        String cleanSource = r.string("input.stream.clean-source");
        StreamOptions stream = new StreamOptions(r.string("input.stream.checkpoint"), trigger.orElse(null),
                r.integer("input.stream.max-files-per-trigger"), r.longValue("input.stream.max-bytes-per-trigger"),
                r.bool("input.stream.latest-first"), r.duration("input.stream.max-file-age"), cleanSource,
                r.string("input.stream.archive-dir"));
        ManifestOptions manifest = new ManifestOptions(r.string("input.manifest.source"),
                r.string("input.manifest.format"), r.string("input.manifest.sql"), r.string("input.manifest.path-column"));
        HttpOptions http = new HttpOptions(r.duration("input.http.connect-timeout"), r.duration("input.http.read-timeout"),
                r.integer("input.http.retries"), r.duration("input.http.retry-backoff"),
                r.integer("input.http.max-redirects"));
        if (mode == InputMode.STREAM) {
            if (stream.checkpoint().isBlank()) {
                r.add("input.mode = stream needs a checkpoint: set input.stream.checkpoint, or pass --checkpoint"
                        + " PATH (one directory per output, kept between runs).");
            }
            if (cleanSource.equals("archive") && stream.archiveDir().isBlank()) {
                r.problem("input.stream.archive-dir", "must be set when input.stream.clean-source = archive");
            }
            if (output.saveMode() != SaveMode.APPEND || output.incremental()) {
                r.add("input.mode = stream adds each micro-batch to the output (Delta: MERGE on path) and its"
                        + " checkpoint skips the files already scored: it needs output.save-mode = append (got "
                        + output.saveMode().configName() + ") and output.incremental = false (--stream sets both).");
            }
        }
        if (mode == InputMode.MANIFEST) {
            if (manifest.source().isBlank() == manifest.sql().isBlank()) {
                r.add("input.mode = manifest needs exactly one of input.manifest.source (--manifest TABLE|PATH)"
                        + " and input.manifest.sql (--sql QUERY).");
            }
            if (manifest.pathColumn().isBlank()) {
                r.problem("input.manifest.path-column", "must name the manifest's column of paths or URLs");
            }
        }
        if (mode != InputMode.MANIFEST && !manifest.source().isBlank()) {
            r.add("input.manifest.source is set but input.mode = " + mode.configName() + ". Set input.mode ="
                    + " manifest (score --manifest), or remove it.");
        }
        return new SourceOptions(mode, stream, manifest, http);
    }
}
