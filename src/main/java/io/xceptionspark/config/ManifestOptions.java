package io.xceptionspark.config;

/**
 * The manifest (keys {@code input.manifest.*}): a table, file or query whose column names what to score.
 *
 * @param source a table name or a path (empty when {@code sql} is given)
 * @param format auto, table, parquet, delta or csv
 */
public record ManifestOptions(String source, String format, String sql, String pathColumn) {
}
