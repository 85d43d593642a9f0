package io.xceptionspark.spark;

import io.xceptionspark.config.InputOptions;
import io.xceptionspark.config.JobConfigException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;

/**
 * A recursive listing of the input on the driver, one directory at a time, that turns every problem below an
 * input root into a listed entry carrying its reason (the scorer writes it as an UNREADABLE row) instead of
 * failing the listing: a folder that cannot be listed (permissions), a symbolic link loop, a name the file
 * system returns but Hadoop cannot open (not valid UTF-8), a special file (FIFO, socket, device: reading it
 * could block). A problem with an input root itself is a {@link JobConfigException} (exit code 2).
 *
 * <p>It keeps binaryFile's semantics with recursiveFileLookup (the path strings its file index gives, hidden
 * names skipped: {@code _x}, {@code .x}, {@code x._COPYING_}; pathGlobFilter on file names; modifiedBefore/After
 * in the session time zone). Local inputs (file:) are listed with java.nio, which sees links, special files
 * and undecodable names; other file systems through Hadoop's API. It holds one entry per file and the
 * directories still to list, nothing more.
 */
final class InputWalk {
    private final InputOptions input;
    private final Configuration conf;
    private final GlobFilter nameFilter;
    private final long modifiedBeforeMillis;
    private final long modifiedAfterMillis;
    private final List<InputFiles.ListedFile> files = new ArrayList<>();

    private InputWalk(InputOptions input, Configuration conf, ZoneId zone) throws IOException {
        this.input = input;
        this.conf = conf;
        this.nameFilter = input.pathGlobFilter().isBlank() ? null : new GlobFilter(input.pathGlobFilter());
        this.modifiedBeforeMillis = millis(input.modifiedBefore(), zone, Long.MAX_VALUE);
        this.modifiedAfterMillis = millis(input.modifiedAfter(), zone, Long.MIN_VALUE);
    }

    /** Whether every input path is on the local file system (file:), which this walk lists itself. */
    static boolean allLocal(InputOptions input, Configuration conf) {
        try {
            for (String p : input.paths()) {
                if (!(new Path(p).getFileSystem(conf) instanceof LocalFileSystem)) {
                    return false;
                }
            }
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false; // the index listing reports it
        }
    }

    /** The input's files and listing problems, in no particular order. */
    static List<InputFiles.ListedFile> list(SparkSession spark, InputOptions input) {
        Configuration conf = spark.sessionState().newHadoopConf();
        try {
            InputWalk walk = new InputWalk(input, conf, ZoneId.of(spark.conf().get("spark.sql.session.timeZone")));
            for (String p : input.paths()) {
                walk.root(p);
            }
            return walk.files;
        } catch (IOException | IllegalArgumentException e) {
            throw new JobConfigException("Cannot list the input " + input.paths() + ": " + e.getMessage()
                    + ". Fix input.paths (or --input) or input.path-glob-filter.", e);
        }
    }

    private void root(String p) {
        try {
            Path path = new Path(p);
            FileSystem fs = path.getFileSystem(conf);
            boolean glob = JobPreflight.isGlob(p);
            FileStatus[] roots = glob ? fs.globStatus(fs.makeQualified(path))
                    : new FileStatus[] {fs.getFileStatus(fs.makeQualified(path))};
            for (FileStatus root : roots == null ? new FileStatus[0] : roots) {
                if (root.isDirectory()) {
                    // a folder a pattern matched is one entry of the input: its problems are rows too
                    walk(fs, root.getPath(), !glob);
                } else {
                    file(root.getPath(), root.getModificationTime(), root.getLen());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new JobConfigException("Cannot list input path " + p + ": " + e
                    + ". Fix input.paths (or --input), or the path's permissions.", e);
        }
    }

    /** A directory still to list, with the identities of the directories above it (to spot link loops). */
    private record Pending(Path dir, Object key, Pending parent) {
        boolean below(Object k) {
            for (Pending p = this; p != null; p = p.parent) {
                if (k.equals(p.key)) {
                    return true;
                }
            }
            return false;
        }
    }

    private void walk(FileSystem fs, Path root, boolean rootFailsJob) throws IOException {
        boolean local = fs instanceof LocalFileSystem;
        Deque<Pending> todo = new ArrayDeque<>();
        todo.push(new Pending(root, local ? key(localPath(root)) : null, null));
        boolean isRoot = rootFailsJob;
        while (!todo.isEmpty()) {
            Pending dir = todo.pop();
            try {
                if (local) {
                    listLocal(dir, todo);
                } else {
                    listRemote(fs, dir, todo);
                }
            } catch (IOException | RuntimeException e) {
                if (isRoot) {
                    throw e instanceof IOException io ? io : new IOException(e);
                }
                problem(dir.dir(), modified(fs, dir.dir()), "cannot list folder " + dir.dir() + ": " + describe(e));
            }
            isRoot = false;
        }
    }

    private void listRemote(FileSystem fs, Pending dir, Deque<Pending> todo) throws IOException {
        List<FileStatus> children = new ArrayList<>();
        RemoteIterator<FileStatus> it = fs.listStatusIterator(dir.dir());
        while (it.hasNext()) {
            children.add(it.next());
        }
        for (FileStatus child : children) {
            if (hidden(child.getPath().getName())) {
                continue;
            }
            if (child.isDirectory()) {
                todo.push(new Pending(child.getPath(), null, dir));
            } else {
                file(child.getPath(), child.getModificationTime(), child.getLen());
            }
        }
    }

    private void listLocal(Pending dir, Deque<Pending> todo) throws IOException {
        java.nio.file.Path local = localPath(dir.dir());
        List<java.nio.file.Path> children = new ArrayList<>();
        try (DirectoryStream<java.nio.file.Path> stream = Files.newDirectoryStream(local)) {
            stream.forEach(children::add);
        }
        for (java.nio.file.Path child : children) {
            String name = child.getFileName().toString();
            if (hidden(name)) {
                continue;
            }
            Path path = new Path(dir.dir(), new Path(null, null, name));
            if (name.indexOf('\uFFFD') >= 0 && Files.notExists(local.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
                // the name's bytes are not UTF-8: its string (with U+FFFD) names no file, for Hadoop neither
                problem(path, linkModified(child), "the file name of " + path + " is not valid UTF-8 (its bytes"
                        + " have no Hadoop path, so it cannot be read): rename the file");
                continue;
            }
            BasicFileAttributes attrs;
            try {
                attrs = Files.readAttributes(child, BasicFileAttributes.class);
            } catch (java.nio.file.NoSuchFileException e) {
                continue; // a broken link, or deleted since the directory was read: nothing to score
            } catch (IOException e) {
                problem(path, linkModified(child), "cannot read the attributes of " + path + ": " + describe(e));
                continue;
            }
            if (attrs.isDirectory()) {
                Object key = attrs.fileKey();
                if (key != null && dir.below(key)) {
                    problem(path, linkModified(child), "symbolic link loop: " + path + " leads back to a folder"
                            + " above it; it was not followed");
                } else {
                    todo.push(new Pending(path, key, dir));
                }
            } else if (attrs.isRegularFile()) {
                file(path, attrs.lastModifiedTime().toMillis(), attrs.size());
            } else if (accepted(name, attrs.lastModifiedTime().toMillis())) {
                problem(path, attrs.lastModifiedTime().toMillis(), path + " is not a regular file (a FIFO, socket"
                        + " or device): it was not read");
            }
        }
    }

    private void file(Path path, long modified, long length) {
        if (!hidden(path.getName()) && accepted(path.getName(), modified)) {
            files.add(new InputFiles.ListedFile(path.toString(), modified, length, null));
        }
    }

    private boolean accepted(String name, long modified) {
        return (nameFilter == null || nameFilter.accept(new Path(null, null, name)))
                && modified < modifiedBeforeMillis && modified > modifiedAfterMillis;
    }

    private void problem(Path path, long modified, String reason) {
        files.add(new InputFiles.ListedFile(path.toString(), modified, -1, reason));
    }

    /** Spark's file index skips these names (HadoopFSUtils.shouldFilterOut): temporary and metadata files. */
    static boolean hidden(String name) {
        boolean exclude = (name.startsWith("_") && !name.contains("=")) || name.startsWith(".")
                || name.endsWith("._COPYING_");
        return exclude && !name.startsWith("_common_metadata") && !name.startsWith("_metadata");
    }

    private static java.nio.file.Path localPath(Path path) {
        return java.nio.file.Path.of(path.toUri().getPath());
    }

    /** A directory's modification time, for its problem entry (an incremental rerun skips it while unchanged). */
    private static long modified(FileSystem fs, Path dir) {
        try {
            return fs.getFileStatus(dir).getModificationTime();
        } catch (IOException | RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    private static Object key(java.nio.file.Path dir) throws IOException {
        return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
    }

    private static long linkModified(java.nio.file.Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).lastModifiedTime()
                    .toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }

    private static String describe(Exception e) {
        String message = Objects.toString(e.getMessage(), "");
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    /** binaryFile's modifiedBefore/After: yyyy-MM-ddTHH:mm:ss in the session time zone, as epoch millis. */
    private static long millis(String time, ZoneId zone, long none) {
        return time.isBlank() ? none : LocalDateTime.parse(time).atZone(zone).toInstant().toEpochMilli();
    }
}
