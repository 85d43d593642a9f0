package io.xceptionspark.sql;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.spark.HadoopConfs;
import io.xceptionspark.spark.OutputSchema;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.catalyst.expressions.ScalaUDF;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.FloatType;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.runtime.AbstractFunction1;

/**
 * The SQL functions: names, documentation and builders. A builder runs when a query is analysed: it reads
 * the session's model settings ({@link FunctionSettings}), loads the model on the driver (so a bad weights
 * file fails the query at once, with the job's message), checks the arguments, and returns a {@link ScalaUDF}
 * over one of the {@link ImageFunctions}. Bad images never fail a query: they give NULL.
 */
public final class XceptionFunctions {
    public static final String LABELS = "xception_labels";
    public static final String EMBEDDING = "xception_embedding";
    public static final String ERROR = "xception_error";
    public static final String SIMILARITY = "xception_similarity";

    /** Validated settings by their keys: a query's functions share one, and so do repeated queries. */
    private static final Map<Map<String, String>, SqlScoringSettings> SETTINGS = new ConcurrentHashMap<>();

    private XceptionFunctions() {}

    /** Every function, as SparkSessionExtensions.injectFunction takes them. */
    static List<Tuple3<FunctionIdentifier, ExpressionInfo, scala.Function1<Seq<Expression>, Expression>>> all() {
        return List.of(
                function(LABELS, "_FUNC_(content[, k]) - The top-k ImageNet classes of an image (k defaults to"
                        + " scoring.top-k): array<struct<class_index int, wnid string, label string, probability"
                        + " float>>, most probable first; NULL for a bad image (see xception_error).",
                        args -> {
                            arity(LABELS, args, 1, 2);
                            binary(LABELS, args.get(0), "content");
                            SqlScoringSettings settings = settings();
                            int classes = loadModel(settings);
                            if (classes == 0) {
                                throw new IllegalArgumentException(LABELS + " needs the classifier: the model has"
                                        + " none (set model.include-top = true).");
                            }
                            int k = args.size() == 2 ? intLiteral(LABELS, args.get(1), classes)
                                    : FunctionSettings.topK(settings.scoring(), classes);
                            // k is a constant, captured by the function: the UDF's only argument is the content
                            return udf(LABELS, new ImageFunctions.Labels(settings, k),
                                    OutputSchema.column(OutputSchema.TOP_K).type(), args.subList(0, 1));
                        }),
                function(EMBEDDING, "_FUNC_(content) - The image's pooled embedding (array<float>, L2-normalised"
                        + " when scoring.normalize-embeddings = true), ready for vector_cosine_similarity; NULL for a"
                        + " bad image (see xception_error).",
                        args -> {
                            arity(EMBEDDING, args, 1, 1);
                            binary(EMBEDDING, args.get(0), "content");
                            SqlScoringSettings settings = settings();
                            loadModel(settings);
                            return udf(EMBEDDING, new ImageFunctions.Embedding(settings),
                                    OutputSchema.column(OutputSchema.EMBEDDING).type(), args);
                        }),
                function(ERROR, "_FUNC_(content) - NULL when the image can be scored, else struct<error_code"
                        + " string, error_message string> with the job's error codes (EMPTY, UNSUPPORTED_FORMAT,"
                        + " UNSUPPORTED, CORRUPT, TOO_LARGE, ...).",
                        args -> {
                            arity(ERROR, args, 1, 1);
                            binary(ERROR, args.get(0), "content");
                            SqlScoringSettings settings = settings();
                            loadModel(settings);
                            return udf(ERROR, new ImageFunctions.Error(settings), OutputSchema.ERROR_TYPE, args);
                        }),
                function(SIMILARITY, "_FUNC_(a, b) - Cosine similarity of two embeddings (array<float>) or two"
                        + " images (binary content, embedded with the session's model), or one of each; NULL when"
                        + " either is NULL or a bad image.",
                        args -> {
                            arity(SIMILARITY, args, 2, 2);
                            boolean embeds = false;
                            for (int i = 0; i < 2; i++) {
                                DataType type = args.get(i).dataType();
                                boolean vector = type instanceof ArrayType a && a.elementType() instanceof FloatType;
                                if (!vector && !(type instanceof BinaryType)) {
                                    throw new IllegalArgumentException(SIMILARITY + ": argument " + (i + 1)
                                            + " must be an embedding (array<float>) or image content (binary), not "
                                            + type.simpleString() + ".");
                                }
                                embeds |= !vector;
                            }
                            SqlScoringSettings settings = settings();
                            if (embeds) {
                                loadModel(settings);
                            }
                            return udf(SIMILARITY, new ImageFunctions.Similarity(settings), DataTypes.FloatType, args);
                        }));
    }

    private interface Builder {
        Expression build(List<Expression> args);
    }

    private static Tuple3<FunctionIdentifier, ExpressionInfo, scala.Function1<Seq<Expression>, Expression>> function(
            String name, String usage, Builder builder) {
        scala.Function1<Seq<Expression>, Expression> f = new AbstractFunction1<>() {
            @Override
            public Expression apply(Seq<Expression> args) {
                return builder.build(scala.jdk.javaapi.CollectionConverters.asJava(args));
            }
        };
        return new Tuple3<>(FunctionIdentifier.apply(name), new ExpressionInfo(XceptionFunctions.class.getName(),
                null, name, usage, ""), f);
    }

    private static SqlScoringSettings settings() {
        SparkSession spark = SparkSession.active();
        Map<String, String> keys = FunctionSettings.of(spark);
        try {
            return SETTINGS.computeIfAbsent(keys, k -> SqlScoringSettings.of(k,
                    HadoopConfs.nonDefaults(spark.sparkContext().hadoopConfiguration())));
        } catch (JobConfigException e) {
            throw new IllegalArgumentException("xception-spark SQL functions: " + e.getMessage()
                    + " (settings come from " + FunctionSettings.PREFIX + "* in the session conf)", e);
        }
    }

    /**
     * Loads (or finds) the model on the driver, so that a missing or wrong weights file fails the query here;
     * returns its number of classes.
     */
    private static int loadModel(SqlScoringSettings settings) {
        try (ModelCache.Lease lease = ModelCache.acquire(settings.model(),
                HadoopConfs.rebuild(new HashMap<>(settings.hadoopConf())))) {
            return lease.model().classes();
        }
    }

    private static void arity(String name, List<Expression> args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            throw new IllegalArgumentException(name + " takes " + (min == max ? min : min + " or " + max)
                    + " arguments, not " + args.size() + ".");
        }
    }

    private static void binary(String name, Expression arg, String what) {
        if (!(arg.dataType() instanceof BinaryType)) {
            throw new IllegalArgumentException(name + ": " + what + " must be binary (the image file's bytes, e.g."
                    + " binaryFile's content column), not " + arg.dataType().simpleString() + ".");
        }
    }

    private static int intLiteral(String name, Expression arg, int max) {
        Object value = arg.foldable() ? arg.eval(null) : null;
        if (!(value instanceof Integer k) || k < 1 || k > max) {
            throw new IllegalArgumentException(name + ": k must be a constant integer from 1 to " + max + ", not "
                    + arg.sql() + ".");
        }
        return k;
    }

    @SuppressWarnings("unchecked")
    private static Expression udf(String name, Object function, DataType type, List<Expression> args) {
        Seq<Expression> children = scala.jdk.javaapi.CollectionConverters.asScala(args).toList();
        Seq<Option<org.apache.spark.sql.catalyst.encoders.ExpressionEncoder<?>>> noEncoders =
                (Seq<Option<org.apache.spark.sql.catalyst.encoders.ExpressionEncoder<?>>>) (Seq<?>)
                        scala.collection.immutable.List$.MODULE$.empty();
        return new ScalaUDF(function, type, children, noEncoders, Option.empty(), Option.apply(name), true, true);
    }
}
