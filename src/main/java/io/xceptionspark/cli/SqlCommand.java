package io.xceptionspark.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import io.xceptionspark.config.ConfigKey;
import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.config.KeyRole;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.spark.ScoringResults;
import io.xceptionspark.spark.SparkSessions;
import io.xceptionspark.sql.FunctionSettings;
import io.xceptionspark.sql.XceptionExtensions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xception-spark sql}: runs SQL statements in a session with the xception-spark functions (with the
 * job's model settings) and, given an output, the {@code xception_results} / {@code xception_latest} views.
 */
@Command(name = "sql", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run Spark SQL with the xception-spark functions: xception_labels(content [, k]),"
                + " xception_embedding(content), xception_error(content), xception_similarity(a, b).",
            "They score with the model and preprocessing of the job's settings (--job, --set). With --index (or the"
                + " job's output.path), the views xception_results and xception_latest read that output.",
            "Example: sql \"SELECT path, xception_labels(content, 3) FROM binaryFile.`/data/photos`\""})
final class SqlCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--index", paramLabel = "OUT", description = "An output to register as the views"
            + " xception_results (every row) and xception_latest (newest row per path).")
    String index;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "Read the statements from a file"
            + " (separated by ';').")
    Path file;

    @Option(names = "--json", description = "Print result rows as JSON lines instead of a table.")
    boolean json;

    @Option(names = "--max-rows", paramLabel = "N", description = "Print at most N rows per statement"
            + " (default: ${DEFAULT-VALUE}).")
    int maxRows = 1000;

    @Parameters(paramLabel = "SQL", arity = "0..1", description = "The statements (separated by ';').")
    String sql;

    private final PrintStream out;

    SqlCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        List<String> statements = statements();
        JobConfigLoader loader = config.loader();
        JobConfig job = loader.load();
        SparkConf conf = SparkSessions.sparkConf(job, Launcher.sparkDefaults().orElse(null));
        String extensions = conf.get("spark.sql.extensions", "");
        if (!extensions.contains(XceptionExtensions.class.getName())) {
            conf.set("spark.sql.extensions", extensions.isBlank() ? XceptionExtensions.class.getName()
                    : extensions + "," + XceptionExtensions.class.getName());
        }
        boolean own = SparkSession.getDefaultSession().isEmpty();
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            FunctionSettings.apply(spark, modelKeys(loader.merged().getConfig(ConfigKeys.NAMESPACE)));
            String output = index != null ? index : job.output().path();
            if (!output.isBlank()) {
                ScoringResults.registerViews(spark, output);
            }
            for (String statement : statements) {
                Dataset<Row> result = run(spark, statement);
                if (result.schema().isEmpty()) {
                    continue;
                }
                List<Row> rows = result.limit(maxRows).collectAsList();
                if (json) {
                    result.limit(maxRows).toJSON().collectAsList().forEach(out::println);
                } else {
                    TablePrinter.print(out, result.schema(), rows);
                }
            }
        } finally {
            if (own) {
                spark.stop();
            }
        }
        return ExitCodes.OK;
    }

    /** A statement Spark rejects (parse or analysis error) is the user's to fix: exit 2 with Spark's message. */
    private static Dataset<Row> run(SparkSession spark, String statement) {
        try {
            return spark.sql(statement);
        } catch (Exception e) {
            if (e instanceof org.apache.spark.sql.AnalysisException || e instanceof IllegalArgumentException) {
                throw new JobConfigException("SQL error in \"" + statement + "\": " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private List<String> statements() {
        String text;
        if (file != null) {
            if (sql != null) {
                throw new JobConfigException("Give the SQL either as an argument or with -f FILE, not both.");
            }
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new JobConfigException("Cannot read the SQL file " + file + ": " + e.getMessage(), e);
            }
        } else if (sql != null) {
            text = sql;
        } else {
            throw new JobConfigException("No SQL: give a statement, e.g. sql \"SELECT 1\", or -f FILE.");
        }
        List<String> statements = SqlStatements.split(text);
        if (statements.isEmpty()) {
            throw new JobConfigException("No SQL statement in " + (file != null ? file : "the argument") + ".");
        }
        return statements;
    }

    /**
     * The keys of the SQL functions ({@link KeyRole#SQL}) of the merged job settings, as the SQL functions read
     * them: each in its plain form ({@link io.xceptionspark.config.KeyType#render}; a list [R, G, B] as R,G,B).
     */
    static Map<String, String> modelKeys(Config settings) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.withRole(KeyRole.SQL)) {
            ConfigValue value = settings.getValue(key.name());
            keys.put(key.name(), String.valueOf(key.type().render(key.type().read(value))));
        }
        return keys;
    }
}
