package io.xceptionspark.spark;

import io.xceptionspark.config.InputOptions;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.OutputOptions;
import io.xceptionspark.config.SaveMode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;

/**
 * Driver-side checks of a job's input and output paths, made before Spark starts (and again by
 * {@link ScoringJob} itself): every input path exists, and the output can be written with the chosen save
 * mode. Each problem is a {@link JobConfigException} naming the fix; nothing has been written yet.
 */
public final class JobPreflight {
    private static final String INPUT_FIX = "fix input.paths (or --input).";

    private JobPreflight() {}

    /**
     * A Hadoop configuration for the checks before Spark starts: defaults, then spark.hadoop.* settings given to
     * this JVM (spark-submit's --conf and --properties-file), then the job's spark.hadoop.* settings (as in the
     * session, the job's win).
     */
    public static Configuration hadoopConf(JobConfig config) {
        Configuration conf = new Configuration();
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("spark.hadoop.")) {
                conf.set(key.substring("spark.hadoop.".length()), System.getProperty(key));
            }
        }
        for (Map.Entry<String, String> e : config.spark().conf().entrySet()) {
            if (e.getKey().startsWith("spark.hadoop.")) {
                conf.set(e.getKey().substring("spark.hadoop.".length()), e.getValue());
            }
        }
        return ObjectStores.withQuickFailure(conf);
    }

    public static void check(JobConfig config, Configuration conf) {
        config.requireInputAndOutput();
        checkInputs(config.input(), conf);
        checkOutput(config.output(), config.input(), conf);
    }

    static void checkInputs(InputOptions input, Configuration conf) {
        for (String p : input.paths()) {
            try {
                Path path = new Path(p);
                FileSystem fs = ObjectStores.fileSystem(path, conf, "input");
                boolean found;
                if (isGlob(p)) {
                    FileStatus[] matches = fs.globStatus(path);
                    found = matches != null && matches.length > 0;
                } else {
                    found = fs.exists(path);
                }
                if (!found) {
                    throw new JobConfigException("Input path " + p + " does not exist" + (isGlob(p) ? " (the pattern"
                            + " matches nothing)" : "") + ". Fix input.paths (or --input): give existing files,"
                            + " directories or glob patterns.");
                }
                if (!isGlob(p)) {
                    checkListable(fs, fs.makeQualified(path));
                }
            } catch (java.nio.file.AccessDeniedException | org.apache.hadoop.security.AccessControlException e) {
                if (ObjectStores.isObjectStore(new Path(p))) { // S3's 403: credentials more often than permissions
                    throw cannotCheck("input path " + p, e, INPUT_FIX);
                }
                throw new JobConfigException("Cannot list input path " + p + ": permission denied (" + e.getMessage()
                        + "). Give the job's user read access to it, or fix input.paths (or --input).", e);
            } catch (IOException e) {
                throw cannotCheck("input path " + p, e, INPUT_FIX);
            } catch (IllegalArgumentException e) {
                throw new JobConfigException("Cannot check input path " + p + ": " + e.getMessage()
                        + ". Fix input.paths (or --input).", e);
            }
        }
    }

    /**
     * An input directory must be listable: on the local file system opening it is enough (java.nio, without
     * reading it all); elsewhere the first page of its listing.
     */
    private static void checkListable(FileSystem fs, Path path) throws IOException {
        if (!fs.getFileStatus(path).isDirectory()) {
            return;
        }
        if (fs instanceof org.apache.hadoop.fs.LocalFileSystem) {
            java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of(path.toUri().getPath())).close();
        } else {
            fs.listStatusIterator(path).hasNext();
        }
    }

    static void checkOutput(OutputOptions output, InputOptions input, Configuration conf) {
        for (String column : output.partitionBy()) {
            if (!OutputSchema.PARTITION_COLUMNS.contains(column)) {
                throw new JobConfigException("output.partition-by: '" + column + "' is not a column the output can be"
                        + " partitioned by; allowed: " + String.join(", ", OutputSchema.PARTITION_COLUMNS) + ".");
            }
        }
        Path out = new Path(output.path());
        try {
            FileSystem fs = ObjectStores.fileSystem(out, conf, "output");
            Path qualified = fs.makeQualified(out);
            if (!output.delta() && !ObjectStores.atomicDirectoryRename(fs) && !output.allowNonAtomicPublish()) {
                throw new JobConfigException("Output " + output.path() + " is on a store where renaming a directory is"
                        + " not atomic (" + fs.getUri().getScheme() + ": a copy of every object), so a Parquet run could"
                        + " become visible in part. Write a Delta table there (output.format = delta, --set"
                        + " output.format=delta), or accept it with output.allow-non-atomic-publish = true"
                        + " (docs/STORES.md).");
            }
            if (fs.exists(out)) {
                if (!fs.getFileStatus(out).isDirectory()) {
                    throw new JobConfigException("Output " + output.path() + " exists and is a file, not a dataset"
                            + " directory. Choose another output.path (or --output).");
                }
                checkFormat(output, fs, out);
                boolean hasData = output.delta() ? OutputDirs.hasDeltaCommit(fs, out)
                        : OutputDirs.hasVisibleEntries(fs, out); // a dead run's bookkeeping is not data
                if (hasData && output.saveMode() == SaveMode.ERROR_IF_EXISTS) {
                    throw new JobConfigException("Output " + output.path() + " already exists and output.save-mode ="
                            + " error-if-exists. Choose a new output path, or set output.save-mode = overwrite"
                            + " (replaces it) or append (adds rows; --incremental scores only new and changed files).");
                }
            }
            checkWritable(fs, qualified, output.path());
            for (String p : input.paths()) {
                Path in = new Path(p);
                Path qualifiedIn = ObjectStores.fileSystem(in, conf, "input").makeQualified(in);
                if (!isGlob(p) && input.recursive() && isWithin(qualified, qualifiedIn)) {
                    throw new JobConfigException("Output " + output.path() + " lies inside the input " + p
                            + " that is read recursively: the next run would score the Parquet files. Write the"
                            + " output somewhere else.");
                }
            }
        } catch (IOException e) {
            throw cannotCheck("output path " + output.path(), e, "fix output.path (or --output).");
        } catch (IllegalArgumentException e) {
            throw new JobConfigException("Cannot check output path " + output.path() + ": " + e.getMessage()
                    + ". Fix output.path (or --output).", e);
        }
    }

    /**
     * The message of a path that cannot be checked: a store problem's cause and fix (no access, no bucket, no
     * endpoint; {@link ObjectStores#problem}), else the exception's message; then {@code fix} for the path.
     */
    private static JobConfigException cannotCheck(String what, IOException e, String fix) {
        String problem = ObjectStores.problem(e);
        return new JobConfigException("Cannot check " + what + ": " + (problem != null ? problem + ", or " + fix
                : e.getMessage() + ". " + Character.toUpperCase(fix.charAt(0)) + fix.substring(1)), e);
    }

    /** The output's format must be the one the directory holds: a Delta table is not read as Parquet, nor back. */
    private static void checkFormat(OutputOptions output, FileSystem fs, Path out) throws IOException {
        boolean deltaLog = OutputDirs.hasDeltaLog(fs, out);
        if (!output.delta() && deltaLog) {
            throw new JobConfigException("Output " + output.path() + " is a Delta table (it has " + OutputDirs.DELTA_LOG
                    + "/) but output.format = parquet. Set output.format = delta (--set output.format=delta), or"
                    + " choose another output.path.");
        }
        if (output.delta() && !deltaLog && OutputDirs.hasVisibleEntries(fs, out)) {
            throw new JobConfigException("Output " + output.path() + " holds a Parquet dataset, not a Delta table, but"
                    + " output.format = delta. Set output.format = parquet, convert it once with Spark SQL's"
                    + " CONVERT TO DELTA parquet.`" + output.path() + "`, or choose another output.path.");
        }
        if (!output.delta() && output.saveMode() == SaveMode.APPEND) {
            List<String> foreign = OutputDirs.visibleEntries(fs, out).stream().filter(n -> !OutputDirs.isRunDir(n))
                    .toList();
            if (!foreign.isEmpty()) {
                throw new JobConfigException("Output " + output.path() + " holds " + foreign.size() + " entries that"
                        + " are not this job's run directories (" + OutputDirs.RUN_COLUMN + "=...), e.g. "
                        + foreign.get(0) + ": appending would leave a dataset Spark cannot read. Choose another"
                        + " output.path, or replace its contents with output.save-mode = overwrite.");
            }
        }
    }

    /** The nearest existing ancestor (or the output itself) must be a writable directory. */
    private static void checkWritable(FileSystem fs, Path output, String given) throws IOException {
        Path p = output;
        while (p != null && !fs.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            return;
        }
        String cannot = "Cannot write the output " + given + ": ";
        if (!fs.getFileStatus(p).isDirectory()) {
            throw new JobConfigException(cannot + p + " is a file, not a directory. Choose another output.path"
                    + " (or --output).");
        }
        boolean writable;
        if ("file".equals(output.toUri().getScheme())) {
            File dir = new File(p.toUri());
            writable = Files.isWritable(dir.toPath());
        } else {
            try {
                fs.access(p, FsAction.WRITE);
                writable = true;
            } catch (AccessControlException e) {
                writable = false;
            } catch (UnsupportedOperationException e) {
                writable = true; // the file system cannot tell: the write itself will report it
            }
        }
        if (!writable) {
            throw new JobConfigException(cannot + "no permission to write in " + p + ". Choose a writable"
                    + " output.path (or --output), or fix the directory's permissions.");
        }
    }

    private static boolean isWithin(Path child, Path parent) {
        String c = child.toString();
        String p = parent.toString();
        return c.equals(p) || c.startsWith(p.endsWith("/") ? p : p + "/");
    }

    static boolean isGlob(String path) {
        return path.chars().anyMatch(ch -> ch == '*' || ch == '?' || ch == '[' || ch == '{');
    }
}
