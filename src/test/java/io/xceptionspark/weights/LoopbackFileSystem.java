package io.xceptionspark.weights;

import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Hadoop's raw local file system under its own scheme, {@code loopback:///path}: a "remote" file system for
 * tests (not {@code file:}, so the weights are resolved as a Hadoop URI and copied), reading local files.
 * Registered per test with {@link #configuration()}.
 */
public final class LoopbackFileSystem extends RawLocalFileSystem {
    public static final String SCHEME = "loopback";

    /** A configuration where {@code loopback:} is this file system (not cached by Hadoop). */
    public static Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set("fs." + SCHEME + ".impl", LoopbackFileSystem.class.getName());
        conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
        return conf;
    }

    /** {@code loopback:///absolute/path}. */
    public static URI uri(java.nio.file.Path file) {
        return URI.create(SCHEME + "://" + file.toAbsolutePath().toUri().getRawPath());
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
    public void initialize(URI uri, Configuration conf) throws java.io.IOException {
        super.initialize(uri, conf);
        setConf(conf);
    }
}
