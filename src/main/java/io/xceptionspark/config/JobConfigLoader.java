package io.xceptionspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.xceptionspark.inference.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a {@link JobConfig}: bundled defaults &lt;- site file &lt;- job file &lt;- command-line overrides
 * (later layers win). Every layer is checked against the key table ({@link ConfigKeys}): an unknown key is
 * an error naming the nearest valid one. All values are validated on the driver, before Spark starts: each
 * key as its declared type ({@link ConfigReader}), each section's combined rules by its reader
 * ({@link SectionReaders}; the model and preprocess sections: {@link ModelSection}); every problem found is
 * reported at once in one {@link JobConfigException}. This class only layers and checks key names.
 */
public final class JobConfigLoader {
    private static final ConfigParseOptions FILE_OPTIONS = ConfigParseOptions.defaults().setAllowMissing(false);

    private final List<Config> fileLayers = new ArrayList<>();
    private Config overrides = ConfigFactory.empty("command line");

    /** Adds a configuration file (site defaults, then the job file); later files win. */
    public JobConfigLoader file(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new JobConfigException("Configuration file " + file.toAbsolutePath() + " does not exist."
                    + " Pass an existing job file (see jobs/ for examples).");
        }
        Config parsed;
        try {
            parsed = ConfigFactory.parseFile(file.toFile(), FILE_OPTIONS);
        } catch (ConfigException e) {
            throw new JobConfigException("Cannot parse " + file + ": " + e.getMessage(), e);
        }
        checkKeys(parsed, file.toString());
        fileLayers.add(parsed);
        return this;
    }

    /**
     * A command-line override {@code key=value} (like spark-submit's --conf). The key may carry the
     * {@code xception-spark.} prefix; list keys take comma-separated values; {@code spark.conf.X=v} sets the
     * Spark setting X.
     */
    public JobConfigLoader assignment(String keyValue) {
        int eq = keyValue.indexOf('=');
        if (eq <= 0) {
            throw new JobConfigException("--set expects key=value (got '" + keyValue + "'), e.g. --set scoring.top-k=3");
        }
        return set(keyValue.substring(0, eq).strip(), keyValue.substring(eq + 1).strip());
    }

    /** Overrides one key with a raw string value (converted to the key's type; lists split on commas). */
    public JobConfigLoader set(String key, String value) {
        String name = stripNamespace(key);
        ConfigKey known = ConfigKeys.get(name);
        if (known != null && known.type().kind() == KeyType.Kind.LIST) {
            return setList(name, Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList());
        }
        return put(name, value);
    }

    /** Overrides one list key. */
    public JobConfigLoader setList(String key, List<String> values) {
        return put(stripNamespace(key), values);
    }

    /**
     * Overrides one key with a typed value (String, Number or Boolean), e.g. from an ML Param;
     * {@code origin} is where error messages say the value came from.
     */
    public JobConfigLoader value(String key, Object value, String origin) {
        return put(stripNamespace(key), value, origin);
    }

    /**
     * What is wrong with this value of {@code key} on its own (its declared type, range or choices), in the words
     * {@link #load()} would use; empty when the value is valid. Reads that key only: how keys combine, and the
     * model's own checks, are load()'s.
     */
    public static Optional<String> problemWith(String key, Object value, String origin) {
        String name = stripNamespace(key);
        ConfigReader one = new ConfigReader(new JobConfigLoader().value(name, value, origin).merged()
                .getConfig(ConfigKeys.NAMESPACE));
        one.value(name);
        return one.problemWith(name);
    }

    private JobConfigLoader put(String name, Object value) {
        return put(name, value, "command line");
    }

    private JobConfigLoader put(String name, Object value, String origin) {
        if (!ConfigKeys.isKey(name) && ConfigKeys.mapKeyOf(name) == null) {
            throw new JobConfigException(unknownKey(name, "the command line"));
        }
        if (ConfigKeys.MAP_KEYS.contains(name)) {
            throw new JobConfigException(name + " is a map: set its entries one by one, e.g. --set "
                    + name + ".spark.sql.shuffle.partitions=8");
        }
        overrides = overrides.withValue(ConfigKeys.path(name), ConfigValueFactory.fromAnyRef(value, origin));
        return this;
    }

    /** Defaults and all layers merged and resolved (substitutions such as ${?RUN_DATE} work). */
    public Config merged() {
        Config merged = overrides;
        for (int i = fileLayers.size() - 1; i >= 0; i--) {
            merged = merged.withFallback(fileLayers.get(i));
        }
        try {
            return merged.withFallback(ConfigKeys.defaults()).resolve();
        } catch (ConfigException e) {
            throw new JobConfigException("Cannot resolve the configuration: " + e.getMessage(), e);
        }
    }

    /** The validated job; throws {@link JobConfigException} listing every problem. */
    public JobConfig load() {
        ConfigReader reader = new ConfigReader(merged().getConfig(ConfigKeys.NAMESPACE));
        JobConfig job = read(reader);
        failOn(reader.problems());
        return job;
    }

    /**
     * The scoring.* section alone, validated (no model, no file read): what the output columns depend on, for an
     * ML Transformer's transformSchema.
     */
    public ScoringOptions scoring() {
        ConfigReader scoringOnly = new ConfigReader(merged().getConfig(ConfigKeys.NAMESPACE));
        ScoringOptions scoring = SectionReaders.scoring(scoringOnly);
        failOn(scoringOnly.problems());
        return scoring;
    }

    private static void failOn(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new JobConfigException(problems.size() == 1 ? "Invalid configuration: " + problems.get(0)
                    : "Invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
    }

    /** Reads every section, collecting the problems in {@code reader}; the job is meaningful only when there are none. */
    private static JobConfig read(ConfigReader reader) {
        InputOptions input = SectionReaders.input(reader);
        ModelSection models = new ModelSection(reader);
        ModelSpec model = models.model();
        boolean fallback = reader.bool("model.imagenet-fallback-random");
        PreprocessOptions preprocess = models.preprocess(model);
        ScoringOptions scoring = SectionReaders.scoring(reader);
        if (model != null) {
            models.checkModelProvides(model, scoring);
        }
        OutputOptions output = SectionReaders.output(reader);
        SparkOptions spark = SectionReaders.spark(reader);
        ReportOptions report = SectionReaders.report(reader);
        SourceOptions source = SectionReaders.source(reader, output);
        return new JobConfig(input, model, fallback, preprocess, scoring, output, spark, report, source,
                ModelSection.resolved(reader.settings(), model, preprocess));
    }

    // ---- keys -----------------------------------------------------------------------------------------

    private static void checkKeys(Config layer, String where) {
        List<String> errors = new ArrayList<>();
        for (String top : layer.root().keySet()) {
            if (!top.equals(ConfigKeys.NAMESPACE)) {
                errors.add("'" + top + "' is outside the " + ConfigKeys.NAMESPACE + " { } block; every key goes inside"
                        + " it, e.g. " + ConfigKeys.NAMESPACE + " { input.paths = [...] }");
            }
        }
        if (layer.hasPath(ConfigKeys.NAMESPACE)) {
            ConfigValue block = layer.getValue(ConfigKeys.NAMESPACE);
            if (block.valueType() != ConfigValueType.OBJECT) {
                errors.add(ConfigKeys.NAMESPACE + " must be a block { ... }");
            } else {
                for (Map.Entry<String, ConfigValue> e : ((ConfigObject) block).toConfig().entrySet()) {
                    String name = String.join(".", ConfigUtil.splitPath(e.getKey()));
                    if (!ConfigKeys.isKey(name) && ConfigKeys.mapKeyOf(name) == null) {
                        errors.add(unknownKey(name, where + ":" + e.getValue().origin().lineNumber()));
                    }
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new JobConfigException(errors.size() == 1 ? errors.get(0) : String.join("\n", errors));
        }
    }

    private static String unknownKey(String name, String where) {
        return "Unknown configuration key '" + name + "' in " + where + "; did you mean '" + ConfigKeys.nearest(name)
                + "'? (xception-spark score --help lists every key)";
    }

    private static String stripNamespace(String key) {
        String k = key.strip();
        return k.startsWith(ConfigKeys.NAMESPACE + ".") ? k.substring(ConfigKeys.NAMESPACE.length() + 1) : k;
    }
}
