package io.xceptionspark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A real remote file system that a test class starts on loopback and stops after it (S3Proxy for s3a://,
 * MiniDFSCluster for hdfs://): its URIs, the spark.hadoop.* settings that reach it, and file helpers.
 */
public interface TestStore extends AutoCloseable {
    /** The store's URI of {@code relative} (no leading slash), e.g. s3a://bucket/relative. */
    String uri(String relative);

    /** Hadoop settings (without the spark.hadoop. prefix) a client needs to reach the store. */
    Map<String, String> hadoopSettings();

    /** What the store is, for test names and messages. */
    String name();

    /** Whether a directory rename is atomic here (HDFS yes, S3 no). */
    boolean atomicRename();

    /** A Hadoop configuration with {@link #hadoopSettings()}. */
    default Configuration conf() {
        Configuration conf = new Configuration();
        hadoopSettings().forEach(conf::set);
        return conf;
    }

    default FileSystem fs() throws IOException {
        return new org.apache.hadoop.fs.Path(uri("")).getFileSystem(conf());
    }

    /** The settings as job settings: spark.conf.spark.hadoop.KEY=VALUE for --set. */
    default List<String> setArgs() {
        return hadoopSettings().entrySet().stream()
                .flatMap(e -> java.util.stream.Stream.of("--set", "spark.conf.spark.hadoop." + e.getKey() + "=" + e.getValue()))
                .toList();
    }

    /** Uploads the regular files of a local directory tree under {@code relative}. */
    default void upload(Path localDir, String relative) throws IOException {
        FileSystem fs = fs();
        try (var files = Files.walk(localDir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = localDir.relativize(f).toString().replace('\\', '/');
                fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(f.toUri()),
                        new org.apache.hadoop.fs.Path(uri(relative + "/" + rel)));
            }
        }
    }

    /** Whether a file under {@code relative} (recursively) has a name ending with {@code suffix}. */
    default boolean anyFile(String relative, String suffix) {
        try {
            var it = fs().listFiles(new org.apache.hadoop.fs.Path(uri(relative)), true);
            while (it.hasNext()) {
                if (it.next().getPath().getName().endsWith(suffix)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // not there yet, or moved while listing
        }
    }
}
