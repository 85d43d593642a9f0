package io.xceptionspark.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
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
        private static final PosixFilePermission[] BITS = { // bit 8 (0400) down to bit 0 (0001)
            PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};

        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            short mode = permission.toShort();
            if ((mode & ~0777) != 0) {
                super.setPermission(p, permission);
                return;
            }
            Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
            for (int i = 0; i < BITS.length; i++) {
                if ((mode & (0400 >> i)) != 0) {
                    set.add(BITS[i]);
                }
            }
            try {
                Files.setPosixFilePermissions(pathToFile(p).toPath(), set);
            } catch (UnsupportedOperationException e) { // not a POSIX file system
                super.setPermission(p, permission);
            }
        }
    }
}
