package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local file system the job's local sessions use: Hadoop's, with permissions set through NIO. */
class PosixLocalFileSystemTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void setsTheModesHadoopAsksForWithoutAChmodProcess() throws Exception {
        FileSystem fs = PosixLocalFileSystemTest.open();
        Path sub = new Path(dir.toUri().toString(), "a/b");
        assertTrue(fs.mkdirs(sub, new FsPermission((short) 0750)));
        assertEquals("rwxr-x---", mode(dir.resolve("a/b")));
        Path file = new Path(sub, "part-0.parquet");
        try (OutputStream out = fs.create(file, new FsPermission((short) 0640), true, 4096, (short) 1, 1 << 20, null)) {
            out.write(new byte[] {1, 2, 3});
        }
        assertEquals("rw-r-----", mode(dir.resolve("a/b/part-0.parquet")));
        assertTrue(Files.exists(dir.resolve("a/b/.part-0.parquet.crc")), "still Hadoop's checksummed local FS");
        fs.setPermission(file, new FsPermission((short) 0604));
        assertEquals("rw----r--", mode(dir.resolve("a/b/part-0.parquet")));
        // sticky bit: NIO cannot set it, Hadoop's own chmod does
        fs.setPermission(sub, new FsPermission((short) 01777));
        assertEquals("rwxrwxrwx", mode(dir.resolve("a/b")));
        assertEquals(3, fs.open(file).read(new byte[8]));
    }

    @Test
    void theSessionSettingsNameItForFileUris() throws Exception {
        Configuration conf = new Configuration();
        SparkSessions.LOCAL_FILE_SYSTEM.forEach((k, v) -> conf.set(k.substring("spark.hadoop.".length()), v));
        assertEquals(PosixLocalFileSystem.class, new Path(dir.toUri()).getFileSystem(conf).getClass());
        assertEquals(org.apache.hadoop.fs.LocalFileSystem.class,
                new Path(dir.toUri()).getFileSystem(new Configuration()).getClass(), "others keep Hadoop's");
    }

    private static FileSystem open() throws Exception {
        FileSystem fs = new PosixLocalFileSystem();
        fs.initialize(URI.create("file:///"), new Configuration());
        return fs;
    }

    private static String mode(java.nio.file.Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
