package io.xceptionspark.spark;

import io.xceptionspark.config.JobConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Properties;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer per output at a time: a lock file created atomically (exclusive create; on S3 a conditional
 * PUT) holding the run id, host, pid and start time of the run that writes. A second run finds it and fails fast, naming the
 * writer; a lock left by a dead run on this host (its pid is gone) is taken over, a lock from another host
 * cannot be checked from here, so the message says how to clear it.
 */
public final class OutputLock implements AutoCloseable {
    /** Hadoop's createFile option for a create that the store refuses when the file exists (S3A: If-None-Match). */
    static final String CONDITIONAL_CREATE = "fs.option.create.conditional.overwrite";

    private final FileSystem fs;
    private final Path file;
    private final String runId;

    private OutputLock(FileSystem fs, Path file, String runId) {
        this.fs = fs;
        this.file = file;
        this.runId = runId;
    }

    /** Takes the lock of the output at {@code output} for {@code runId}, or throws naming the holder. */
    public static OutputLock acquire(FileSystem fs, Path output, String runId) {
        Path file = new Path(new Path(output, OutputDirs.DIR), OutputDirs.LOCK);
        Properties mine = new Properties();
        mine.setProperty("run_id", runId);
        mine.setProperty("host", host());
        mine.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        mine.setProperty("started", Instant.now().toString());
        for (int attempt = 0; attempt < 2; attempt++) {
            if (create(fs, file, mine)) {
                return new OutputLock(fs, file, runId);
            }
            Properties holder = read(fs, file);
            if (holder == null) {
                continue; // released between our create and read
            }
            if (!isDeadOnThisHost(holder)) {
                throw new JobConfigException("Output " + output + " is being written by another run (run "
                        + holder.getProperty("run_id") + " on host " + holder.getProperty("host") + ", pid "
                        + holder.getProperty("pid") + ", started " + holder.getProperty("started") + "); its lock is "
                        + fs.makeQualified(file) + ". Wait for that run to finish. If it is no longer running (its"
                        + " machine was lost), delete the lock file and rerun: the next run cleans up after it.");
            }
            try {
                fs.delete(file, false); // the holder died (kill -9, OOM): take its lock over
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the stale lock " + file + ": " + e.getMessage(), e);
            }
        }
        throw new JobConfigException("Cannot take the lock " + file + " of output " + output + ": another run keeps"
                + " taking it. Make sure only one run writes this output.");
    }

    public String runId() {
        return runId;
    }

    /** Releases the lock if this run still holds it. */
    @Override
    public void close() {
        Properties holder = read(fs, file);
        if (holder != null && runId.equals(holder.getProperty("run_id"))) {
            try {
                fs.delete(file, false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot release the lock " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean create(FileSystem fs, Path file, Properties content) {
        byte[] bytes = text(content);
        try {
            fs.mkdirs(file.getParent());
            if ("file".equals(fs.getUri().getScheme())) {
                // RawLocalFileSystem's create(overwrite=false) checks then creates; NIO's CREATE_NEW is O_EXCL
                java.nio.file.Path local = java.nio.file.Path.of(fs.makeQualified(file).toUri());
                Files.write(local, bytes, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                return true;
            }
            try (OutputStream out = exclusiveCreate(fs, file)) {
                out.write(bytes);
            }
            return true;
        } catch (FileAlreadyExistsException | org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (exists(fs, file)) {
                return false;
            }
            throw new UncheckedIOException("cannot create the lock " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Exclusive on HDFS (the NameNode refuses an existing file). On S3 a conditional PUT (If-None-Match: *,
     * hadoop-aws 3.4.2+ where fs.s3a.create.conditional.enabled, on by default): the store refuses the upload
     * at close when the object exists (HTTP 412), so of two runs creating the lock at once one wins. Stores
     * without either check and then create (docs/STORES.md).
     */
    private static OutputStream exclusiveCreate(FileSystem fs, Path file) throws IOException {
        if (fs.hasPathCapability(file, CONDITIONAL_CREATE)) {
            return (OutputStream) fs.createFile(file).overwrite(false).must(CONDITIONAL_CREATE, true).build();
        }
        return fs.create(file, false);
    }

    private static Properties read(FileSystem fs, Path file) {
        try (InputStream in = fs.open(file)) {
            Properties p = new Properties();
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return p;
        } catch (java.io.FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the lock " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isDeadOnThisHost(Properties holder) {
        if (!host().equals(holder.getProperty("host"))) {
            return false;
        }
        try {
            long pid = Long.parseLong(holder.getProperty("pid", ""));
            return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static byte[] text(Properties p) {
        StringBuilder b = new StringBuilder();
        for (String k : new String[] {"run_id", "host", "pid", "started"}) {
            b.append(k).append('=').append(p.getProperty(k)).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean exists(FileSystem fs, Path p) {
        try {
            return fs.exists(p);
        } catch (IOException e) {
            return false;
        }
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
