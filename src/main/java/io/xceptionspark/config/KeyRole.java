package io.xceptionspark.config;

import java.util.Locale;

/**
 * Which part of the system a configuration key decides, and who takes it; declared per key in defaults.conf
 * ({@code # @roles ...}). Consumers select keys by role instead of listing them.
 */
public enum KeyRole {
    /** Where the files to score come from (input.*). */
    INPUT,
    /** The network itself: which architecture, its head, its width. */
    ARCHITECTURE,
    /** Which weights, where they come from, how they are checked and cached. */
    WEIGHTS,
    /** Taken from the weights' pretrained configuration when left at auto. */
    PRETRAINED,
    /** How the model runs (precision, batching, threads, warm-up): never the numbers' meaning. */
    RUNTIME,
    /** How image files become network inputs. */
    PREPROCESSING,
    /** What each forward pass produces. */
    SCORING,
    /** Where and how the results are written (output.*). */
    OUTPUT,
    /** The HTML report (report.*). */
    REPORT,
    /** The Spark session (spark.*). */
    SPARK,
    /** A Param of the ML Transformers (XceptionScorer, XceptionLabeler, XceptionEmbedder). */
    PARAM,
    /** A session setting of the SQL functions ({@code spark.xception-spark.KEY}). */
    SQL,
    /** Recorded, resolved, in the output's metadata (Parquet footers, Delta table properties). */
    METADATA,
    /** Taken from an index's metadata when {@code similar} embeds a new query image like the indexed ones. */
    INDEX,
    /**
     * Decides which files a stream takes and where it writes: recorded in its checkpoint with the
     * {@link #METADATA} keys, and a restart with another value is refused.
     */
    STREAM;

    /** The role named in defaults.conf, e.g. {@code param}. */
    static KeyRole parse(String name) {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
    }
}
