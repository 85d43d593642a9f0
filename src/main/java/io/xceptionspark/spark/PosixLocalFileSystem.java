package io.xceptionspark.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:}) with permissions set through Java's NIO. Without Hadoop's native
 * library, {@link RawLocalFileSystem#setPermission} starts a {@code chmod} process for every file and directory it
 * creates: three to four per Spark task writing Parquet (the attempt directory, the file, its checksum file), ~13 ms
 * of a task's wall time. The job's sessions name this class for {@code file:} ({@link SparkSessions}); mode bits NIO
 * cannot set (sticky, setuid) and file systems without POSIX permissions go to Hadoop's own way.
 */
public class PosixLocalFileSystem extends LocalFileSystem {
    public PosixLocalFileSystem() {
        super(new Raw());
    }

    /** The raw (checksum-less) layer, where Hadoop sets permissions. */
    static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            short mode = permission.toShort();
            if ((mode & ~0777) != 0) { // sticky, setuid, setgid
                super.setPermission(p, permission);
                return;
            }
            try { // without them FsPermission prints the 9 characters (rwxr-x---) that NIO parses
                Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(permission.toString()));
            } catch (UnsupportedOperationException e) { // not a POSIX file system
                super.setPermission(p, permission);
            }
        }
    }
}
