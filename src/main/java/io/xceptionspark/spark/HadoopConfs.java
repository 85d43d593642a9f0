package io.xceptionspark.spark;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Ships a driver's Hadoop configuration to executors as the small map of what differs from Hadoop's
 * defaults (spark.hadoop.* settings, credentials providers, ...), and rebuilds it there.
 */
public final class HadoopConfs {
    private HadoopConfs() {}

    /**
     * {@code path} as its file system names it (scheme and absolute path, e.g. file:/work/out for "out"), or
     * {@code path} itself when it names no file system this configuration reaches.
     */
    public static String qualified(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(conf).makeQualified(p).toString();
        } catch (IOException | IllegalArgumentException e) {
            return path;
        }
    }

    /**
     * The file system to read an input file through: its own, except Hadoop's local file system without its
     * checksum layer, which opens a ".NAME.crc" path beside every file and fails on names Hadoop's Path cannot
     * take as a relative path (a ':' in "12:30 sunset.jpg"); input images have no checksum files.
     */
    public static org.apache.hadoop.fs.FileSystem inputFileSystem(Path file, Configuration conf) throws IOException {
        org.apache.hadoop.fs.FileSystem fs = file.getFileSystem(conf);
        return fs instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    public static HashMap<String, String> nonDefaults(Configuration conf) {
        Configuration defaults = Defaults.loaded();
        HashMap<String, String> diff = new HashMap<>();
        for (Map.Entry<String, String> e : conf) {
            if (!e.getValue().equals(defaults.getRaw(e.getKey()))) {
                diff.put(e.getKey(), e.getValue());
            }
        }
        return diff;
    }

    /** On an executor (or driver): Hadoop's defaults plus the spark.hadoop.* settings of the running Spark. */
    static Configuration ofSparkEnv() {
        Configuration conf = new Configuration(Defaults.loaded());
        org.apache.spark.SparkEnv env = org.apache.spark.SparkEnv.get();
        if (env != null) {
            for (scala.Tuple2<String, String> e : env.conf().getAllWithPrefix("spark.hadoop.")) {
                conf.set(e._1(), e._2());
            }
        }
        return conf;
    }

    /**
     * Hadoop's defaults plus these settings. The defaults are parsed once per JVM and copied (~0.1 ms) instead of
     * parsed from core-default.xml again (~2.5 ms) for every task.
     */
    public static Configuration rebuild(Map<String, String> nonDefaults) {
        Configuration conf = new Configuration(Defaults.loaded());
        nonDefaults.forEach(conf::set);
        return conf;
    }

    /** Hadoop's default configuration, parsed once; only ever read or copied. */
    private static final class Defaults {
        private static final Configuration PARSED = new Configuration();

        /**
         * The defaults, loaded: size() parses them the first time, and again only after a library adds a default
         * resource (HdfsConfiguration adds hdfs-default.xml), which makes Hadoop drop every loaded configuration.
         */
        static Configuration loaded() {
            PARSED.size();
            return PARSED;
        }
    }
}
