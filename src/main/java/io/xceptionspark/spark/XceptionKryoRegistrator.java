package io.xceptionspark.spark;

import com.esotericsoftware.kryo.Kryo;
import java.util.List;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers with Kryo every class the scoring job has Spark serialise with it, so jobs run with
 * {@code spark.kryo.registrationRequired=true} (as conf/spark-defaults.conf sets): an unregistered class
 * then fails loudly instead of being written with its full class name in every record.
 *
 * <p>The job's own rows travel as Spark's UnsafeRows and its functions with Java serialisation; what Kryo
 * sees are Spark SQL's internal values (schemas, write-task results, collected rows), listed here by name
 * because most of them are private to Spark.
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
     * Classes Spark ML's PCA (the HTML report's embedding map) has Kryo serialise in its tree aggregations.
     * Registered when spark-mllib is on the classpath (a Spark distribution always has it).
     */
    static final List<String> ML_CLASSES = List.of(
            "org.apache.spark.mllib.linalg.Vector",
            "org.apache.spark.mllib.linalg.Vector[]",
            "org.apache.spark.mllib.linalg.DenseVector",
            "org.apache.spark.mllib.linalg.DenseVector[]",
            "org.apache.spark.mllib.linalg.SparseVector",
            "org.apache.spark.mllib.linalg.DenseMatrix",
            "org.apache.spark.mllib.stat.MultivariateOnlineSummarizer",
            "org.apache.spark.ml.linalg.DenseVector",
            "org.apache.spark.ml.linalg.SparseVector",
            "org.apache.spark.ml.linalg.DenseMatrix",
            "org.apache.spark.ml.stat.SummarizerBuffer",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeL1$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeM2n$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMax$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMean$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeMin$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeNNZ$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$ComputeWeightSum$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Count$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Max$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Mean$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Min$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL1$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$NormL2$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$NumNonZeros$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Std$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Sum$",
            "org.apache.spark.ml.stat.SummaryBuilderImpl$Variance$",
            "scala.collection.immutable.$colon$colon",
            "scala.collection.immutable.Nil$",
            "scala.collection.immutable.ArraySeq$ofRef",
            "scala.collection.mutable.ArraySeq$ofRef",
            "scala.collection.immutable.Vector1",
            "scala.collection.immutable.Vector2",
            "breeze.linalg.DenseVector",
            "breeze.linalg.DenseVector$mcD$sp",
            "breeze.linalg.DenseMatrix$mcD$sp",
            "double[]",
            "double[][]",
            "long[]",
            "int[]",
            "boolean[]");

    @Override
    public void registerClasses(Kryo kryo) {
        for (String name : SPARK_CLASSES) {
            kryo.register(load(name));
        }
        if (present("org.apache.spark.mllib.linalg.Vector")) {
            for (String name : ML_CLASSES) {
                kryo.register(load(name));
            }
        }
    }

    private static boolean present(String name) {
        try {
            Class.forName(name, false, Thread.currentThread().getContextClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static Class<?> load(String name) {
        try {
            switch (name) {
                case "double[]": return double[].class;
                case "long[]": return long[].class;
                case "int[]": return int[].class;
                case "boolean[]": return boolean[].class;
                default: break;
            }
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
