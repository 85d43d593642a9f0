package io.xceptionspark.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Hadoop's raw local file system under the scheme {@code denied:///path}, refusing to list any directory named
 * {@value #LOCKED} as a folder without read permission does (the tests run as root, whom chmod does not stop).
 * Its files can still be read. Install it with {@link #install(Configuration)}.
 */
public final class DeniedListingFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "denied";
    public static final String LOCKED = "locked";

    public static void install(Configuration conf) {
        conf.set("fs." + SCHEME + ".impl", DeniedListingFileSystem.class.getName());
        conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
    }

    /** {@code denied:///absolute/path}. */
    public static String uri(java.nio.file.Path file) {
        return SCHEME + "://" + file.toAbsolutePath().toUri().getRawPath();
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public void initialize(URI uri, Configuration conf) throws IOException {
        super.initialize(uri, conf);
        setConf(conf);
    }

    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
        if (f.getName().equals(LOCKED) && getFileStatus(f).isDirectory()) {
            // what Hadoop's FileUtil.list throws for an unreadable directory
            throw new AccessDeniedException(f.toUri().getPath(), null, "Permission denied");
        }
        return super.listStatus(f);
    }
}
