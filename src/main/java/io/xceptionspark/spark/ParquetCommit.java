package io.xceptionspark.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The crash-safe commit of a Parquet output (the caller holds the {@link OutputLock}). Every run's rows live
 * in one directory of their own, {@code run_id=RUN} (readers see a {@code run_id} partition column), so a
 * run becomes visible with one atomic directory rename:
 * <ol>
 *   <li>Spark writes the run into its own staging directory, {@code _xception_spark/staging/RUN} (hidden from
 *       readers; its own {@code _temporary}, so no job attempt directory is shared with another run);</li>
 *   <li>the run is committed when its journal, the ordered list of renames that publish it, is renamed into
 *       {@code _xception_spark/journal/RUN};</li>
 *   <li>the journal is applied: the staging directory is renamed to {@code run_id=RUN} (the moment readers
 *       see the whole run), then, for an overwrite, every other top-level entry into the trash; staging,
 *       trash and journal are deleted.</li>
 * </ol>
 * {@link #recover} runs first in every run: it completes the journals of runs that died after committing
 * (every rename whose source is gone is done, so it may itself be interrupted) and deletes whatever uncommitted
 * runs left (staging directories).
 */
final class ParquetCommit {
    private static final String RENAME = "rename\t";

    private final FileSystem fs;
    private final Path output;

    ParquetCommit(FileSystem fs, Path output) {
        this.fs = fs;
        this.output = output;
    }

    /** Where Spark writes the run. */
    Path staging(String runId) {
        return new Path(dir(OutputDirs.STAGING), runId);
    }

    /** Completes committed runs and removes uncommitted ones; returns one line per thing it did. */
    List<String> recover() {
        List<String> done = new ArrayList<>();
        try {
            for (FileStatus j : OutputDirs.list(fs, dir(OutputDirs.JOURNAL))) {
                String name = j.getPath().getName();
                if (name.endsWith(".tmp")) {
                    fs.delete(j.getPath(), false); // died while writing it: not committed
                } else {
                    apply(j.getPath(), Integer.MAX_VALUE);
                    finish(name);
                    done.add("completed the publish of run " + name + " (it died after committing)");
                }
            }
            for (FileStatus s : OutputDirs.list(fs, dir(OutputDirs.STAGING))) {
                fs.delete(s.getPath(), true);
                done.add("removed the uncommitted files of run " + s.getPath().getName());
            }
            for (FileStatus t : OutputDirs.list(fs, dir(OutputDirs.TRASH))) {
                fs.delete(t.getPath(), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + output + " after an earlier run: " + e.getMessage(), e);
        }
        return done;
    }

    /** Publishes the staged run: adds its run directory, and (replace) moves every other entry out. */
    void publish(String runId, boolean replace) {
        try {
            Path journal = writeJournal(runId, replace);
            CommitListeners.reached(CommitListener.Stage.PUBLISH_COMMITTED, runId);
            apply(journal, 1);
            CommitListeners.reached(CommitListener.Stage.PUBLISH_RUN_VISIBLE, runId);
            apply(journal, Integer.MAX_VALUE);
            CommitListeners.reached(CommitListener.Stage.PUBLISH_APPLIED, runId);
            try (OutputStream marker = fs.create(new Path(output, "_SUCCESS"), true)) {
                marker.flush(); // like Spark's own commit: schedulers may wait for it
            }
            finish(runId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish run " + runId + " into " + output + ": " + e.getMessage()
                    + " (the next run completes it)", e);
        }
    }

    /** The commit point of a staged run: its journal of renames, written aside and renamed into place (atomic). */
    Path writeJournal(String runId, boolean replace) throws IOException {
        List<String[]> renames = new ArrayList<>();
        List<String> old = OutputDirs.visibleEntries(fs, output);
        renames.add(new String[] {relative(staging(runId)), OutputDirs.runDir(runId)});
        if (replace) {
            for (String entry : old) {
                renames.add(new String[] {entry, relative(new Path(dir(OutputDirs.TRASH), runId)) + "/" + entry});
            }
        }
        return writeJournal(runId, renames);
    }

    private Path writeJournal(String name, List<String[]> renames) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String[] r : renames) {
            b.append(RENAME).append(r[0]).append('\t').append(r[1]).append('\n');
        }
        Path journals = dir(OutputDirs.JOURNAL);
        fs.mkdirs(journals);
        Path tmp = new Path(journals, name + ".tmp");
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        Path journal = new Path(journals, name);
        if (!fs.rename(tmp, journal)) {
            throw new IOException("cannot rename " + tmp + " to " + journal);
        }
        return journal;
    }

    /**
     * Applies at most {@code maxRenames} renames of a journal, in order (tests stop it midway to act out a
     * kill): the new run directory first, so readers never find the output empty, then the replaced entries out.
     */
    void apply(Path journal, int maxRenames) throws IOException {
        int renames = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(journal), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.startsWith(RENAME)) {
                    continue;
                }
                String[] fromTo = line.substring(RENAME.length()).split("\t", 2);
                if (renames >= maxRenames) {
                    return;
                }
                renames += move(new Path(output, fromTo[0]), new Path(output, fromTo[1])) ? 1 : 0;
            }
        }
    }

    /** Deletes what a published run leaves: trash, staging, then its journal (last: it marks the run done). */
    void finish(String runId) throws IOException {
        fs.delete(new Path(dir(OutputDirs.TRASH), runId), true);
        fs.delete(staging(runId), true);
        fs.delete(new Path(dir(OutputDirs.JOURNAL), runId), false);
    }

    private boolean move(Path from, Path to) throws IOException {
        if (!fs.exists(from)) {
            return false; // renamed before the run (or the previous recovery) died, or a run without rows
        }
        if (fs.exists(to)) {
            if (!ObjectStores.atomicDirectoryRename(fs) && fs.getFileStatus(from).isDirectory()
                    && fs.getFileStatus(to).isDirectory()) {
                finishCopy(from, to); // a store whose rename is a copy died during it (docs/STORES.md)
                return true;
            }
            // Hadoop would move the directory into it: never expected, so stop rather than nest data
            throw new IOException("cannot rename " + from + " to " + to + ": the target exists");
        }
        fs.mkdirs(to.getParent());
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
        return true;
    }

    /**
     * Completes a directory rename of a store where it is a copy of each object then a delete of the source
     * (S3A), interrupted midway: every object is copied whole or not at all, so what the target holds is done;
     * the rest is moved, then the source deleted.
     */
    private void finishCopy(Path from, Path to) throws IOException {
        for (FileStatus s : OutputDirs.list(fs, from)) {
            Path target = new Path(to, s.getPath().getName());
            if (!fs.exists(target)) {
                fs.mkdirs(target.getParent());
                if (!fs.rename(s.getPath(), target)) {
                    throw new IOException("cannot rename " + s.getPath() + " to " + target);
                }
            } else if (s.isDirectory()) {
                finishCopy(s.getPath(), target);
            }
        }
        fs.delete(from, true);
    }

    private String relative(Path inside) {
        String root = fs.makeQualified(output).toUri().getPath();
        String path = fs.makeQualified(inside).toUri().getPath();
        return path.substring(root.length() + (root.endsWith("/") ? 0 : 1));
    }

    private Path dir(String name) {
        return new Path(new Path(output, OutputDirs.DIR), name);
    }
}
