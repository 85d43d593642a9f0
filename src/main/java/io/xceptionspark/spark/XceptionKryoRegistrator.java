package io.xceptionspark.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import java.util.List;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers with Kryo every class the scoring job has Spark serialise with it, so jobs run with
 * {@code spark.kryo.registrationRequired=true} (as conf/spark-defaults.conf sets): an unregistered class
 * then fails loudly instead of being written with its full class name in every record.
 *
 * <p>The job's own rows travel as Spark's UnsafeRows and its functions with Java serialisation; what Kryo
 * sees are Spark SQL's internal values (schemas, write-task results, collected rows), listed here by name
 * because most of them are private to Spark, and the paths and file statuses of Spark's parallel listing.
 * Each list holds what running that path with registrationRequired asked for (the tests run every one).
 */
public final class XceptionKryoRegistrator implements KryoRegistrator {

    /** Classes Spark SQL serialises with Kryo in the job's plans (listing, anti-join, Parquet write and read). */
    static final List<String> SPARK_CLASSES = List.of(
            "org.apache.spark.sql.types.StructType",
            "org.apache.spark.sql.types.StructField",
            "org.apache.spark.sql.types.StructField[]",
            "org.apache.spark.sql.types.Metadata",
            "org.apache.spark.sql.types.ArrayType",
            "org.apache.spark.sql.types.StringType",
            "org.apache.spark.sql.types.StringType$",
            "org.apache.spark.sql.types.LongType$",
            "org.apache.spark.sql.types.IntegerType$",
            "org.apache.spark.sql.types.FloatType$",
            "org.apache.spark.sql.types.TimestampType$",
            "org.apache.spark.sql.types.DateType$",
            "org.apache.spark.sql.types.BinaryType$");

    /**
     * Delta Lake's (output.format = delta): its write tasks return the files they added (a list of AddFile, with
     * an optional deletion vector) and their statistics through Kryo, and VACUUM lists files as
     * SerializableFileStatus.
     */
    static final List<String> DELTA_CLASSES = List.of(
            "org.apache.spark.sql.delta.actions.AddFile",
            "org.apache.spark.sql.delta.actions.AddFile[]",
            "org.apache.spark.sql.delta.actions.AddCDCFile",
            "org.apache.spark.sql.delta.actions.RemoveFile",
            "org.apache.spark.sql.delta.actions.DeletionVectorDescriptor",
            "org.apache.spark.sql.delta.stats.DeltaFileStatistics",
            "org.apache.spark.sql.delta.SerializableFileStatus",
            "org.apache.spark.sql.delta.SerializableFileStatus[]");

    /**
     * Spark's parallel listing (more than spark.sql.sources.parallelPartitionDiscovery.threshold directories, 32
     * by default: an input folder with many sub-folders, a glob matching many, an output with many run
     * directories): its tasks receive their directories as a Path[] and return each directory's leaf files as a
     * FileStatus[].
     */
    static final List<String> LISTING_CLASSES = List.of(
            "org.apache.hadoop.fs.Path",
            "org.apache.hadoop.fs.Path[]",
            "org.apache.hadoop.fs.FileStatus[]");

    /**
     * The file statuses a listing task returns, written by {@link FileStatusSerializer}: LocatedFileStatus, which
     * Spark builds for most file systems (file:, s3a:, ...); the file systems' own classes where Spark keeps them:
     * viewfs: and hdfs: (listLocatedStatus), and each file system's plain statuses when
     * spark.sql.sources.ignoreDataLocality = true (file: and viewfs: run in the tests; hdfs: from Spark's code).
     */
    static final List<String> FILE_STATUS_CLASSES = List.of(
            "org.apache.hadoop.fs.FileStatus",
            "org.apache.hadoop.fs.LocatedFileStatus",
            "org.apache.hadoop.fs.RawLocalFileSystem$DeprecatedRawLocalFileStatus",
            "org.apache.hadoop.fs.viewfs.ViewFsLocatedFileStatus",
            "org.apache.hadoop.fs.viewfs.ViewFsFileStatus",
            "org.apache.hadoop.hdfs.protocol.HdfsLocatedFileStatus",
            "org.apache.hadoop.hdfs.protocol.HdfsNamedFileStatus");

    @Override
    public void registerClasses(Kryo kryo) {
        for (String name : SPARK_CLASSES) {
            kryo.register(load(name));
        }
        for (String name : DELTA_CLASSES) {
            kryo.register(load(name));
        }
        for (String name : LISTING_CLASSES) {
            kryo.register(load(name));
        }
        FileStatusSerializer statuses = new FileStatusSerializer();
        for (String name : FILE_STATUS_CLASSES) {
            kryo.register(load(name), statuses);
        }
        // the listed files, as each scoring task receives its run of them
        kryo.register(InputFiles.ListedFile.class);
        // the queries `similar` broadcasts (final fields: Java serialisation, once per broadcast)
        kryo.register(io.xceptionspark.search.QueryVectors.class, new JavaSerializer());
    }

    private static Class<?> load(String name) {
        try {
            if (name.endsWith("[]")) {
                return load(name.substring(0, name.length() - 2)).arrayType();
            }
            return Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Kryo registration: class " + name + " is not on the classpath (a Spark"
                    + " version this registrator does not know?)", e);
        }
    }
}
