package io.xceptionspark.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The layout of an output directory. Readers (Spark's file index, Delta) skip names starting with
 * {@code _} or {@code .}; the job keeps its own bookkeeping under {@value #DIR}: the writer's lock, each
 * run's staging directory, publish journals and the files an overwrite replaced.
 */
public final class OutputDirs {
    /** The job's bookkeeping directory inside the output. */
    public static final String DIR = "_xception_spark";
    public static final String LOCK = "lock";
    public static final String STAGING = "staging";
    public static final String JOURNAL = "journal";
    public static final String TRASH = "trash";
    public static final String DELTA_LOG = "_delta_log";
    /** The partition column of a Parquet output's run directories ({@code run_id=RUN}): the run that wrote the row. */
    public static final String RUN_COLUMN = "run_id";

    private OutputDirs() {}

    /** Whether Spark's and Delta's readers skip this file or directory name. */
    public static boolean hidden(String name) {
        return (name.startsWith("_") && !name.contains("=")) || name.startsWith(".");
    }

    /** The directory name of a run's rows in a Parquet output. */
    public static String runDir(String runId) {
        return RUN_COLUMN + "=" + runId;
    }

    /** Whether a top-level name of a Parquet output is a run directory. */
    public static boolean isRunDir(String name) {
        return name.startsWith(RUN_COLUMN + "=");
    }

    /** The names in the directory that readers see (in an output: its run directories). */
    static List<String> visibleEntries(FileSystem fs, Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        for (FileStatus s : list(fs, dir)) {
            if (!hidden(s.getPath().getName())) {
                names.add(s.getPath().getName());
            }
        }
        return names;
    }

    /** Whether the directory holds something readers see: a data file or partition directory. */
    public static boolean hasVisibleEntries(FileSystem fs, Path dir) throws IOException {
        return !visibleEntries(fs, dir).isEmpty();
    }

    /** Whether the directory is (or is becoming) a Delta table: it has a transaction log directory. */
    public static boolean hasDeltaLog(FileSystem fs, Path dir) throws IOException {
        return fs.isDirectory(new Path(dir, DELTA_LOG));
    }

    /** Whether the Delta log holds a commit (a table with at least version 0). */
    public static boolean hasDeltaCommit(FileSystem fs, Path dir) throws IOException {
        for (FileStatus s : list(fs, new Path(dir, DELTA_LOG))) {
            String n = s.getPath().getName();
            if (n.endsWith(".json") || n.endsWith(".checkpoint.parquet") || n.equals("_last_checkpoint")) {
                return true;
            }
        }
        return false;
    }

    /** The entries of a directory; none when it does not exist. */
    static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        try {
            return fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }
}
