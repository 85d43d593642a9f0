package io.xceptionspark.spark;

import io.xceptionspark.config.JobConfigException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What the job knows about the stores behind Hadoop paths (docs/STORES.md): the connector a scheme needs, the
 * S3A settings that make a bad endpoint, bucket or credential fail in seconds, which stores rename a directory
 * atomically, and the one message a store problem ends with (exit 2, naming the fix).
 */
public final class ObjectStores {
    /**
     * S3A retry and timeout defaults the job applies where the user set none (Hadoop's own retry a refused
     * connection for minutes): 2 attempts of each request, 2 retries of an operation 200 ms apart, 5 s to
     * connect. Throttling keeps Hadoop's own retries (fs.s3a.retry.throttle.*).
     */
    public static final Map<String, String> S3A_QUICK_FAILURE = quickFailure();
    /**
     * What spark-submit --packages adds for s3a:// on a cluster whose Spark lacks it: the connector (it brings
     * the AWS SDK bundle) and Spark's binding of the S3A committers.
     */
    public static final String S3A_PACKAGES = "org.apache.hadoop:hadoop-aws:3.5.0,"
            + "org.apache.spark:spark-hadoop-cloud_2.13:4.1.2";
    /** Schemes of stores where renaming a directory copies every object, so no rename is atomic. */
    static final Set<String> NON_ATOMIC_RENAME = Set.of("s3a", "s3", "s3n", "gs", "oss", "cosn", "obs", "wasb", "wasbs");
    /** The connector artifact of a scheme, for the message when its class is missing. */
    private static final Map<String, String> CONNECTORS = Map.of(
            "s3a", "org.apache.hadoop:hadoop-aws:3.5.0",
            "gs", "com.google.cloud.bigdataoss:gcs-connector (hadoop3 shaded jar)",
            "abfs", "org.apache.hadoop:hadoop-azure:3.5.0",
            "abfss", "org.apache.hadoop:hadoop-azure:3.5.0",
            "wasb", "org.apache.hadoop:hadoop-azure:3.5.0",
            "wasbs", "org.apache.hadoop:hadoop-azure:3.5.0");
    private static final String S3A_COMMIT_PROTOCOL = "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol";
    private static final String S3A_PARQUET_COMMITTER = "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter";

    private ObjectStores() {}

    private static Map<String, String> quickFailure() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("fs.s3a.attempts.maximum", "2");
        m.put("fs.s3a.retry.limit", "2");
        m.put("fs.s3a.retry.interval", "200ms");
        m.put("fs.s3a.connection.establish.timeout", "5s");
        return Map.copyOf(m);
    }

    /** Sets {@link #S3A_QUICK_FAILURE} in {@code conf} where neither the user nor a site file set the key. */
    public static Configuration withQuickFailure(Configuration conf) {
        S3A_QUICK_FAILURE.forEach((key, value) -> {
            String[] sources = conf.getPropertySources(key);
            if (sources == null || (sources.length == 1 && sources[0].equals("core-default.xml"))) {
                conf.set(key, value, "xception-spark quick-failure default (docs/STORES.md)");
            }
        });
        return conf;
    }

    /** The file system of {@code path}; a missing connector is a {@link JobConfigException} naming it. */
    public static FileSystem fileSystem(Path path, Configuration conf, String role) throws IOException {
        try {
            return path.getFileSystem(conf);
        } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
            throw missingConnector(path, role, e);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof ClassNotFoundException) {
                throw missingConnector(path, role, e);
            }
            throw e;
        }
    }

    private static JobConfigException missingConnector(Path path, String role, Exception e) {
        String scheme = path.toUri().getScheme();
        String artifact = CONNECTORS.getOrDefault(scheme, "the Hadoop connector of " + scheme + "://");
        return new JobConfigException("Cannot open the " + role + " " + path + ": the file system connector for "
                + scheme + ":// is not on the class path (" + rootMessage(e) + "). Add it: spark-submit --packages "
                + artifact + " (the launcher from a checkout has hadoop-aws); see docs/STORES.md.", e);
    }

    /**
     * The message of a store problem the user can fix (no access, no such bucket, an endpoint that cannot be
     * reached), or null when {@code e} is none of them.
     */
    public static String problem(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String type = t.getClass().getSimpleName();
            if (t instanceof java.nio.file.AccessDeniedException || t instanceof org.apache.hadoop.security.AccessControlException
                    || type.equals("NoAuthWithAWSException")) {
                return "access denied (" + firstLine(t) + "). Check the credentials (for S3:"
                        + " spark.hadoop.fs.s3a.access.key and secret.key, or fs.s3a.aws.credentials.provider) and"
                        + " that they may read and write there";
            }
            if (type.equals("UnknownStoreException") || type.equals("NoSuchBucketException")) {
                return "the bucket does not exist (" + firstLine(t) + "). Fix the bucket name in the path, or create"
                        + " the bucket";
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || t instanceof java.net.SocketTimeoutException
                    || t instanceof org.apache.hadoop.net.ConnectTimeoutException) {
                return "the store cannot be reached (" + firstLine(t) + "). Check its address (for S3:"
                        + " spark.hadoop.fs.s3a.endpoint; for HDFS: the NameNode in the path or fs.defaultFS) and"
                        + " the network";
            }
        }
        return null;
    }

    /** Whether the path is on an object store (S3, GCS, Azure Blob), where access is a matter of credentials. */
    static boolean isObjectStore(Path path) {
        String scheme = path.toUri().getScheme();
        return scheme != null && (NON_ATOMIC_RENAME.contains(scheme) || scheme.startsWith("abfs"));
    }

    /** Whether renaming a directory on this store is one atomic operation (HDFS, local disk) or a copy (S3, GCS). */
    public static boolean atomicDirectoryRename(FileSystem fs) {
        return !NON_ATOMIC_RENAME.contains(fs.getUri().getScheme());
    }

    /**
     * Runs a Parquet write of Spark into {@code dir} with the S3A magic committer when {@code dir} is on s3a and
     * Spark's cloud committer binding is on the class path (no rename at task or job commit; docs/STORES.md),
     * restoring the session's settings afterwards; elsewhere runs it as it is.
     */
    static void withStoreCommitter(org.apache.spark.sql.SparkSession spark, FileSystem fs, Runnable write) {
        if (!"s3a".equals(fs.getUri().getScheme()) || !onClassPath(S3A_COMMIT_PROTOCOL)) {
            write.run();
            return;
        }
        Map<String, String> settings = Map.of(
                "spark.sql.sources.commitProtocolClass", S3A_COMMIT_PROTOCOL,
                "spark.sql.parquet.output.committer.class", S3A_PARQUET_COMMITTER);
        Map<String, String> before = new LinkedHashMap<>();
        settings.keySet().forEach(k -> before.put(k, spark.conf().get(k, null)));
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Map<String, String> hadoopSettings = Map.of(
                "mapreduce.outputcommitter.factory.scheme.s3a", "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory",
                "fs.s3a.committer.name", "magic",
                "fs.s3a.committer.magic.enabled", "true");
        Map<String, String> hadoopBefore = new LinkedHashMap<>();
        hadoopSettings.keySet().forEach(k -> hadoopBefore.put(k, hadoop.getRaw(k)));
        try {
            settings.forEach(spark.conf()::set);
            hadoopSettings.forEach(hadoop::set);
            write.run();
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    spark.conf().unset(k);
                } else {
                    spark.conf().set(k, v);
                }
            });
            hadoopBefore.forEach((k, v) -> {
                if (v == null) {
                    hadoop.unset(k);
                } else {
                    hadoop.set(k, v);
                }
            });
        }
    }

    private static boolean onClassPath(String className) {
        try {
            Class.forName(className, false, ObjectStores.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage()).strip();
        int end = m.indexOf('\n');
        m = end < 0 ? m : m.substring(0, end);
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }
}
