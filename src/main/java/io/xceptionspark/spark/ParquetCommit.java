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
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The crash-safe commit of a Parquet output (the caller holds the {@link OutputLock}).
 * <ol>
 *   <li>Spark writes the run into its own staging directory, {@code _xception_spark/staging/RUN} (hidden from
 *       readers; its own {@code _temporary}, so no job attempt directory is shared with another run);</li>
 *   <li>the run is committed when its journal, the list of files to move in (and, for an overwrite, the old
 *       files to move out), is renamed into {@code _xception_spark/journal/RUN};</li>
 *   <li>the journal is applied: new files are renamed into place, then replaced files into the trash;
 *       staging, trash and journal are deleted.</li>
 * </ol>
 * {@link #recover} runs first in every run: it completes the journals of runs that died after committing
 * (every step skips what is done, so it may itself be interrupted), and deletes whatever uncommitted runs
 * left (staging directories, and {@code _temporary} directories of releases before this commit protocol).
 */
final class ParquetCommit {
    private static final String MOVE = "move\t";
    private static final String REPLACE = "replace\t";

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

    /** Completes committed runs and removes uncommitted ones; returns one line per run it dealt with. */
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
            Path legacy = new Path(output, "_temporary");
            if (fs.exists(legacy)) {
                fs.delete(legacy, true);
                done.add("removed _temporary (uncommitted files of a run killed before this commit protocol)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean up " + output + " after an earlier run: " + e.getMessage(), e);
        }
        return done;
    }

    /** Publishes the staged run: appends its files, or (replace) swaps them for the output's current files. */
    void publish(String runId, boolean replace) {
        try {
            Path journal = writeJournal(runId, replace);
            apply(journal, Integer.MAX_VALUE);
            try (OutputStream marker = fs.create(new Path(output, "_SUCCESS"), true)) {
                marker.flush(); // like Spark's own commit: schedulers may wait for it
            }
            finish(runId);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish run " + runId + " into " + output + ": " + e.getMessage()
                    + " (the next run completes it)", e);
        }
    }

    /** The commit point: the journal of moves, written aside and renamed into place (atomic). */
    Path writeJournal(String runId, boolean replace) throws IOException {
        StringBuilder b = new StringBuilder();
        for (String rel : visibleFiles(staging(runId))) {
            b.append(MOVE).append(rel).append('\n');
        }
        if (replace) {
            for (String rel : visibleFiles(output)) {
                b.append(REPLACE).append(rel).append('\n');
            }
        }
        Path journals = dir(OutputDirs.JOURNAL);
        fs.mkdirs(journals);
        Path tmp = new Path(journals, runId + ".tmp");
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
        Path journal = new Path(journals, runId);
        if (!fs.rename(tmp, journal)) {
            throw new IOException("cannot rename " + tmp + " to " + journal);
        }
        return journal;
    }

    /**
     * Applies at most {@code maxRenames} renames of a journal (tests stop it midway to act out a kill): new
     * files in first, so readers never find the output empty, then the replaced files out.
     */
    void apply(Path journal, int maxRenames) throws IOException {
        String runId = journal.getName();
        List<String> moves = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(journal), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(MOVE)) {
                    moves.add(line.substring(MOVE.length()));
                } else if (line.startsWith(REPLACE)) {
                    replaced.add(line.substring(REPLACE.length()));
                }
            }
        }
        int renames = 0;
        for (String rel : moves) {
            if (renames >= maxRenames) {
                return;
            }
            renames += move(new Path(staging(runId), rel), new Path(output, rel)) ? 1 : 0;
        }
        Path trash = new Path(dir(OutputDirs.TRASH), runId);
        for (String rel : replaced) {
            if (renames >= maxRenames) {
                return;
            }
            renames += move(new Path(output, rel), new Path(trash, rel)) ? 1 : 0;
        }
        if (!replaced.isEmpty()) {
            deleteEmptyVisibleDirs(output);
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
            return false; // moved before the run (or the previous recovery) died
        }
        fs.mkdirs(to.getParent());
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
        return true;
    }

    /** Files under {@code root} that readers see, as paths relative to it (partition directories included). */
    private List<String> visibleFiles(Path root) throws IOException {
        List<String> files = new ArrayList<>();
        if (!fs.exists(root)) {
            return files;
        }
        String prefix = fs.makeQualified(root).toUri().getPath();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            String path = fs.makeQualified(it.next().getPath()).toUri().getPath();
            String rel = path.substring(prefix.length() + (prefix.endsWith("/") ? 0 : 1));
            boolean visible = true;
            for (String part : rel.split("/")) {
                visible &= !OutputDirs.hidden(part);
            }
            if (visible) {
                files.add(rel);
            }
        }
        return files;
    }

    private void deleteEmptyVisibleDirs(Path dir) throws IOException {
        for (FileStatus s : OutputDirs.list(fs, dir)) {
            if (s.isDirectory() && !OutputDirs.hidden(s.getPath().getName())) {
                deleteEmptyVisibleDirs(s.getPath());
                if (OutputDirs.list(fs, s.getPath()).length == 0) {
                    fs.delete(s.getPath(), false);
                }
            }
        }
    }

    private Path dir(String name) {
        return new Path(new Path(output, OutputDirs.DIR), name);
    }
}
