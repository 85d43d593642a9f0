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
import io.xceptionspark.image.Interpolation;
import io.xceptionspark.image.JpegDraft;
import io.xceptionspark.image.Normalization;
import io.xceptionspark.image.ResizePolicy;
import io.xceptionspark.inference.Architecture;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.OutputLayout;
import io.xceptionspark.inference.PretrainedConfig;
import io.xceptionspark.inference.PretrainedWeights;
import io.xceptionspark.inference.WeightsFetch;
import io.xceptionspark.model.ClassifierActivation;
import io.xceptionspark.model.HeadOptions;
import io.xceptionspark.model.Pooling;
import io.xceptionspark.model.Precision;
import io.xceptionspark.model.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Loads a {@link JobConfig}: bundled defaults &lt;- site file &lt;- job file &lt;- command-line overrides
 * (later layers win). Every layer is checked against the key table ({@link ConfigKeys}): an unknown key is
 * an error naming the nearest valid one. All values are validated on the driver, before Spark starts: each
 * key as its declared type ({@link ConfigReader}), each section's combined rules by its reader
 * ({@link SectionReaders}), the model's rules here; every problem found is reported at once in one
 * {@link JobConfigException}.
 */
public final class JobConfigLoader {
    private static final ConfigParseOptions FILE_OPTIONS = ConfigParseOptions.defaults().setAllowMissing(false);

    private final List<Config> fileLayers = new ArrayList<>();
    private Config overrides = ConfigFactory.empty("command line");
    /** The merged configuration's typed values and problems, during {@link #validate()}. */
    private ConfigReader reader;
    /** The reader's problems (the model rules below add theirs). */
    private List<String> problems = new ArrayList<>();

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
        JobConfig job = validate();
        failOn(problems);
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

    /** Checks every value, collecting the problems; the job is meaningful only when there are none. */
    private JobConfig validate() {
        Config c = merged().getConfig(ConfigKeys.NAMESPACE);
        reader = new ConfigReader(c);
        problems = reader.problems();
        pretrainedResolved = false;
        resolvedPretrained = null;

        InputOptions input = SectionReaders.input(reader);
        ModelSpec model = model(c);
        boolean fallback = reader.bool("model.imagenet-fallback-random");
        PreprocessOptions preprocess = preprocess(c, model);
        ScoringOptions scoring = SectionReaders.scoring(reader);
        if (model != null) {
            checkModelProvides(model, scoring);
        }
        OutputOptions output = SectionReaders.output(reader);
        SparkOptions spark = SectionReaders.spark(reader);
        ReportOptions report = SectionReaders.report(reader);
        SourceOptions source = SectionReaders.source(reader, output);
        return new JobConfig(input, model, fallback, preprocess, scoring, output, spark, report, source,
                resolved(reader.settings(), model, preprocess));
    }

    /**
     * The settings as the job uses them: the keys left at auto hold what they resolved to, local weights paths
     * are absolute (an output's metadata must rebuild the same model from another directory).
     */
    static Settings resolved(Settings read, ModelSpec model, PreprocessOptions p) {
        if (model == null) {
            return read;
        }
        return read.with("model.architecture", model.architecture().id())
                .with("model.weights", model.pretrained().weights())
                .with("model.torchscript", model.pretrained().torchScriptPath())
                .with("model.input-height", model.inputHeight()).with("model.input-width", model.inputWidth())
                .with("preprocess.interpolation", p.interpolation()).with("preprocess.crop-pct", p.cropPct())
                .with("preprocess.mean", p.normalization().mean()).with("preprocess.std", p.normalization().std());
    }

    // ---- model --------------------------------------------------------------------------------------

    /**
     * The model keys, each parsed (one problem per bad key), then put together as a {@link ModelSpec}, which
     * checks the rules that tie them (TorchScript and its file, precision, input size, classes).
     */
    private ModelSpec model(Config c) {
        int before = problems.size();
        Architecture architecture = parse(c, "model.architecture", Architecture::parse, Architecture.XCEPTION);
        String torchscript = str(c, "model.torchscript");
        Pooling pooling = parse(c, "model.pooling", Pooling::parse, Pooling.AVG);
        if (pooling == Pooling.NONE) {
            problem(c, "model.pooling", "must be avg or max (the scorer writes pooled [2048] embeddings)");
        }
        HeadOptions head = new HeadOptions(bool(c, "model.include-top"), pooling,
                integer(c, "model.classes", 1, 1_000_000), ClassifierActivation.SOFTMAX);
        String weights = str(c, "model.weights");
        PretrainedConfig pretrained = isAuto(c, "model.input-height") || isAuto(c, "model.input-width")
                ? pretrainedConfig(c, architecture, weights) : null;
        int height = isAuto(c, "model.input-height") ? (pretrained == null ? 0 : pretrained.inputHeight())
                : integer(c, "model.input-height", 1, 8192);
        int width = isAuto(c, "model.input-width") ? (pretrained == null ? 0 : pretrained.inputWidth())
                : integer(c, "model.input-width", 1, 8192);
        String sha256 = parse(c, "model.weights-sha256", PretrainedWeights::parseSha256, "");
        String outputs = parse(c, "model.torchscript-outputs", v -> {
            OutputLayout.parseTorchScript(v);
            return v;
        }, "");
        long seed = longValue(c, "model.seed", Long.MIN_VALUE, Long.MAX_VALUE);
        String pretrainedConfig = str(c, "model.pretrained-config");
        if (!pretrainedConfig.isBlank() && !Files.isRegularFile(Path.of(pretrainedConfig))) {
            problem(c, "model.pretrained-config", "is not a file: give the local path of the checkpoint's config.json,"
                    + " or leave it empty");
        }
        RuntimeOptions runtime = new RuntimeOptions(parse(c, "model.precision", Precision::parse, Precision.FLOAT32),
                bool(c, "model.fold-batchnorm"));
        String cacheDir = str(c, "model.weights-cache-dir");
        WeightsFetch fetch = new WeightsFetch(cacheDir.isBlank() ? "" : Path.of(cacheDir).toAbsolutePath().toString(),
                str(c, "model.remote-weights-cache-dir"), bool(c, "model.allow-download"));
        if (problems.size() > before) {
            return null;
        }
        try {
            return new ModelSpec(architecture, head, new PretrainedWeights(absoluteIfLocal(weights), sha256, seed,
                    torchscript.isBlank() ? "" : absoluteIfLocal(torchscript), outputs, height, width), runtime, fetch);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    // ---- preprocess ---------------------------------------------------------------------------------

    /** The preprocess.* keys, those left at auto taken from the model's pretrained configuration. */
    private PreprocessOptions preprocess(Config c, ModelSpec model) {
        List<String> auto = new ArrayList<>();
        for (String key : PRETRAINED_KEYS) {
            if (isAuto(c, key)) {
                auto.add(key);
            }
        }
        PretrainedConfig pretrained = auto.isEmpty() || model == null ? PretrainedConfig.keras()
                : pretrainedConfig(c, model.architecture(), model.pretrained().weights());
        if (pretrained == null) {
            pretrained = PretrainedConfig.keras();
        }
        Interpolation interpolation = isAuto(c, "preprocess.interpolation") ? pretrained.interpolation()
                : parse(c, "preprocess.interpolation", Interpolation::parse, Interpolation.BICUBIC);
        double cropPct = isAuto(c, "preprocess.crop-pct") ? pretrained.cropPct() : fraction(c, "preprocess.crop-pct");
        float[] mean = isAuto(c, "preprocess.mean") ? pretrained.normalization().mean() : rgb(c, "preprocess.mean", 0);
        float[] std = isAuto(c, "preprocess.std") ? pretrained.normalization().std() : rgb(c, "preprocess.std", 1e-6);
        return new PreprocessOptions(parse(c, "preprocess.resize", ResizePolicy::parse, ResizePolicy.CROP),
                interpolation, cropPct, bytes(c, "preprocess.max-file-bytes"),
                longValue(c, "preprocess.max-pixels", 1, Long.MAX_VALUE), new Normalization(mean, std),
                decodeTimeout(c, "preprocess.decode-timeout"),
                parse(c, "preprocess.jpeg-draft", JpegDraft::parse, JpegDraft.OFF));
    }

    /** The keys whose value auto means: from the pretrained configuration. */
    private static final List<String> PRETRAINED_KEYS = List.of("model.input-height", "model.input-width",
            "preprocess.interpolation", "preprocess.crop-pct", "preprocess.mean", "preprocess.std");

    /** The weights' pretrained configuration, looked up once per validation (the size and preprocess keys share it). */
    private PretrainedConfig resolvedPretrained;
    private boolean pretrainedResolved;

    /**
     * model.pretrained-config, or the config.json beside the timm weights; null (one problem noted, naming every
     * key left at auto) if there is none. Looked up once per validation.
     */
    private PretrainedConfig pretrainedConfig(Config c, Architecture architecture, String weights) {
        if (pretrainedResolved) {
            return resolvedPretrained;
        }
        pretrainedResolved = true;
        String explicit = str(c, "model.pretrained-config");
        try {
            resolvedPretrained = PretrainedConfig.of(architecture, absoluteIfLocal(weights), explicit.isBlank() ? ""
                    : Path.of(explicit).toAbsolutePath().toString());
            if (resolvedPretrained == null) {
                List<String> autoKeys = PRETRAINED_KEYS.stream().filter(k -> isAuto(c, k)).toList();
                problems.add(String.join(", ", autoKeys) + " = auto take timm " + architecture.id() + "'s"
                        + " pretrained configuration, but there is no " + PretrainedConfig.CONFIG_FILE + " beside "
                        + weights + ": set model.pretrained-config to the checkpoint's config.json (a local"
                        + " file), or set those keys explicitly.");
            }
        } catch (IllegalArgumentException e) {
            problems.add("model.pretrained-config: " + e.getMessage());
        }
        return resolvedPretrained;
    }

    /** The mode needs outputs the model has: labels need logits, embeddings need the pooled features. */
    private void checkModelProvides(ModelSpec model, ScoringOptions scoring) {
        OutputLayout layout = model.outputLayout();
        String fix = model.isTorchScript() ? "declare model.torchscript-outputs = logits,embedding if the model"
                + " returns both" : "set model.include-top = true";
        if (scoring.mode().labels() && !layout.hasLogits()) {
            problems.add("scoring.mode = " + scoring.mode().configName() + " needs the classifier's logits, which"
                    + " this model does not return: " + fix + ", or use scoring.mode = embeddings.");
        }
        if (scoring.includeLogits() && !layout.hasLogits()) {
            problems.add("scoring.include-logits = true needs the classifier's logits, which this model does not"
                    + " return: " + fix + ", or set scoring.include-logits = false.");
        }
        if (scoring.mode().embeddings() && !layout.hasEmbedding()) {
            problems.add("scoring.mode = " + scoring.mode().configName() + " needs embeddings, which this TorchScript"
                    + " model does not return (model.torchscript-outputs = " + model.pretrained().torchScriptOutputs()
                    + ").");
        }
        if (!model.isTorchScript() && model.head().includeTop() && scoring.topK() > model.head().classes()) {
            problems.add("scoring.top-k = " + scoring.topK() + " exceeds model.classes = " + model.head().classes()
                    + ".");
        }
    }

    /** What a model configured so returns: logits and/or the pooled embedding. */
    public static OutputLayout outputLayout(String architecture, boolean includeTop, String torchScriptOutputs) {
        return OutputLayout.of(Architecture.parse(architecture), includeTop, torchScriptOutputs);
    }

    /** Local paths become absolute (executors may run elsewhere); none, imagenet and URIs stay. */
    private static String absoluteIfLocal(String value) {
        String v = value.strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals("none") || lower.equals("imagenet") || v.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return v;
        }
        try {
            return Path.of(v).toAbsolutePath().normalize().toString();
        } catch (RuntimeException e) {
            return v;
        }
    }

    // ---- typed values, for the model rules above: each reads the key as declared in defaults.conf ----------

    private String str(Config c, String key) {
        return reader.string(key);
    }

    private boolean bool(Config c, String key) {
        return reader.bool(key);
    }

    private int integer(Config c, String key, int min, int max) {
        return (int) longValue(c, key, min, max);
    }

    /** The declared value, also held to {@code min..max} where a rule is narrower than the key's range. */
    private long longValue(Config c, String key, long min, long max) {
        long v = reader.longValue(key);
        if (v < min || v > max) {
            problem(c, key, "must be between " + min + " and " + max);
            return min;
        }
        return v;
    }

    private long bytes(Config c, String key) {
        return reader.longValue(key);
    }

    private Duration decodeTimeout(Config c, String key) {
        return reader.duration(key);
    }

    private double fraction(Config c, String key) {
        return reader.fraction(key);
    }

    /** Three numbers (R, G, B), in the declared range. */
    private float[] rgb(Config c, String key, double min) {
        return reader.rgb(key);
    }

    private boolean isAuto(Config c, String key) {
        return reader.isAuto(key);
    }

    /** A value read by {@code parser}; an enum key is read (and reported) as its declared enum first. */
    private <T> T parse(Config c, String key, Function<String, T> parser, T fallback) {
        String v = reader.string(key);
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            reader.keyed(key, key + " = '" + v + "' (" + reader.origin(key) + "): " + e.getMessage());
            return fallback;
        }
    }

    private void problem(Config c, String key, String what) {
        reader.problem(key, what);
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
