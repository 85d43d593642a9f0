package io.xceptionspark.config;

import java.util.List;

/**
 * Where and how results are written (keys {@code output.*}).
 *
 * @param format          parquet or delta
 * @param deltaTxnAppId   delta: the application id of Delta's idempotent writes
 * @param deltaTxnVersion delta: this run's version for that id (a rerun with a version already committed writes
 *                        nothing), or {@link #NO_TXN_VERSION}
 * @param report          also write the HTML report ({@code _report.html}) into the output after the run
 * @param allowNonAtomicPublish Parquet on a store without atomic directory renames (S3, GCS): publish anyway
 */
public record OutputOptions(String path, SaveMode saveMode, List<String> partitionBy, boolean incremental,
                            OutputFormat format, String deltaTxnAppId, long deltaTxnVersion, boolean report,
                            boolean allowNonAtomicPublish) {
    public static final String DEFAULT_TXN_APP_ID = "xception-spark";
    public static final long NO_TXN_VERSION = -1;

    public OutputOptions {
        partitionBy = List.copyOf(partitionBy);
    }

    /** A Parquet output without Delta options. */
    public OutputOptions(String path, SaveMode saveMode, List<String> partitionBy, boolean incremental) {
        this(path, saveMode, partitionBy, incremental, OutputFormat.PARQUET, DEFAULT_TXN_APP_ID, NO_TXN_VERSION,
                false, false);
    }

    public boolean delta() {
        return format == OutputFormat.DELTA;
    }
}
