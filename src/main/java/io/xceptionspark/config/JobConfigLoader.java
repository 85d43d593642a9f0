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
import io.xceptionspark.image.PreprocessConfig;
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
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Loads a {@link JobConfig}: bundled defaults &lt;- site file &lt;- job file &lt;- command-line overrides
 * (later layers win). Every layer is checked against the key table ({@link ConfigKeys}): an unknown key is
 * an error naming the nearest valid one. All values are validated here, on the driver, before Spark starts;
 * every problem found is reported at once in one {@link JobConfigException}.
 */
public final class JobConfigLoader {
    /** Largest file the scorer reads (a Java array). */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    private static final ConfigParseOptions FILE_OPTIONS = ConfigParseOptions.defaults().setAllowMissing(false);

    private final List<Config> fileLayers = new ArrayList<>();
    private Config overrides = ConfigFactory.empty("command line");
    private final List<String> problems = new ArrayList<>();
    /** The first problem found with each key's own value (not with how keys combine). */
    private final Map<String, String> valueProblems = new LinkedHashMap<>();

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
        if (known != null && known.type().equals("list")) {
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
     * What is wrong with this value of {@code key} on its own (over the bundled defaults), in the words
     * {@link #load()} would use; empty when the value is valid. How keys combine is checked by load().
     */
    public static Optional<String> problemWith(String key, Object value, String origin) {
        JobConfigLoader loader = new JobConfigLoader().value(key, value, origin);
        loader.validate();
        return Optional.ofNullable(loader.valueProblems.get(stripNamespace(key)));
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
        if (!problems.isEmpty()) {
            throw new JobConfigException(problems.size() == 1 ? "Invalid configuration: " + problems.get(0)
                    : "Invalid configuration:\n  - " + String.join("\n  - ", problems));
        }
        return job;
    }

    /** Checks every value, collecting the problems; the job is meaningful only when there are none. */
    private JobConfig validate() {
        Config c = merged().getConfig(ConfigKeys.NAMESPACE);
        problems.clear();
        valueProblems.clear();
        pretrainedResolved = false;
        resolvedPretrained = null;

        List<String> paths = strings(c, "input.paths");
        InputOptions input = new InputOptions(paths, bool(c, "input.recursive"), str(c, "input.path-glob-filter"),
                timestamp(c, "input.modified-before"), timestamp(c, "input.modified-after"),
                integer(c, "input.images-per-partition", 1, 100_000), integer(c, "input.tasks-per-core", 1, 1000));

        ModelSpec model = model(c);
        boolean fallback = bool(c, "model.imagenet-fallback-random");

        PreprocessOptions preprocess = preprocess(c, model);

        ScoringMode mode = parse(c, "scoring.mode", ScoringMode::parse, ScoringMode.LABELS);
        int topK = integer(c, "scoring.top-k", 1, 100_000);
        boolean includeLogits = bool(c, "scoring.include-logits");
        ScoringOptions scoring = new ScoringOptions(mode, topK, bool(c, "scoring.normalize-embeddings"),
                includeLogits, integer(c, "scoring.batch-size", 1, ScoringOptions.MAX_BATCH_SIZE), threads(c));
        if (model != null) {
            checkModelProvides(model, scoring);
        }

        OutputFormat format = parse(c, "output.format", OutputFormat::parse, OutputFormat.PARQUET);
        String txnAppId = str(c, "output.delta.txn-app-id");
        long txnVersion = longValue(c, "output.delta.txn-version", OutputOptions.NO_TXN_VERSION, Long.MAX_VALUE);
        OutputOptions output = new OutputOptions(str(c, "output.path"),
                parse(c, "output.save-mode", SaveMode::parse, SaveMode.ERROR_IF_EXISTS),
                partitionColumns(c), bool(c, "output.incremental"), format, txnAppId, txnVersion,
                bool(c, "output.report"), bool(c, "output.allow-non-atomic-publish"));
        if (format != OutputFormat.DELTA && (txnVersion != OutputOptions.NO_TXN_VERSION
                || !txnAppId.equals(OutputOptions.DEFAULT_TXN_APP_ID))) {
            problems.add("output.delta.txn-app-id / output.delta.txn-version are Delta options, but output.format = "
                    + format.configName() + ". Set output.format = delta, or remove them.");
        }
        if (txnAppId.isBlank()) {
            problem(c, "output.delta.txn-app-id", "must not be empty");
        }
        if (format == OutputFormat.DELTA && output.incremental() && txnVersion != OutputOptions.NO_TXN_VERSION) {
            problems.add("output.delta.txn-version makes appends idempotent; incremental runs (MERGE on path) are"
                    + " idempotent already (a rerun finds nothing new to merge). Remove output.delta.txn-version.");
        }
        if (output.incremental() && output.saveMode() != SaveMode.APPEND) {
            problems.add("output.incremental = true adds rows to the existing output, so it needs output.save-mode"
                    + " = append (got " + output.saveMode().configName() + "); --incremental sets both.");
        }

        SparkOptions spark = new SparkOptions(str(c, "spark.master"), str(c, "spark.app-name"), sparkConf(c),
                parse(c, "scoring.preload", Preload::parse, Preload.AUTO));
        ReportOptions report = new ReportOptions(integer(c, "report.sample-images", 1, ReportOptions.MAX_SAMPLE),
                integer(c, "report.thumbnail-size", 16, 512), integer(c, "report.neighbour-queries", 0, 100),
                integer(c, "report.neighbours", 1, 50));
        return new JobConfig(input, model, fallback, preprocess, scoring, output, spark, report, source(c, output));
    }

    // ---- input.mode: stream and manifest -------------------------------------------------------------

    private SourceOptions source(Config c, OutputOptions output) {
        InputMode mode = parse(c, "input.mode", InputMode::parse, InputMode.FILES);
        String trigger = str(c, "input.stream.trigger");
        java.time.Duration interval = null;
        if (!trigger.equalsIgnoreCase(StreamOptions.AVAILABLE_NOW)) {
            interval = duration(c, "input.stream.trigger", "available-now or an interval such as 1 minute");
        }
        long maxBytes = 0;
        try {
            maxBytes = c.getBytes("input.stream.max-bytes-per-trigger");
            if (maxBytes < 0) {
                problem(c, "input.stream.max-bytes-per-trigger", "must be 0 (no limit) or a size such as 1GiB");
            }
        } catch (ConfigException e) {
            problem(c, "input.stream.max-bytes-per-trigger", "must be 0 (no limit) or a size such as 1GiB");
        }
        String cleanSource = str(c, "input.stream.clean-source").toLowerCase(Locale.ROOT);
        if (!List.of("off", "archive", "delete").contains(cleanSource)) {
            problem(c, "input.stream.clean-source", "must be off, archive or delete");
        }
        String archiveDir = str(c, "input.stream.archive-dir");
        StreamOptions stream = new StreamOptions(str(c, "input.stream.checkpoint"), interval,
                integer(c, "input.stream.max-files-per-trigger", 0, Integer.MAX_VALUE), maxBytes,
                bool(c, "input.stream.latest-first"), duration(c, "input.stream.max-file-age", "a duration such as 7d"),
                cleanSource, archiveDir);
        String format = str(c, "input.manifest.format").toLowerCase(Locale.ROOT);
        if (!ManifestOptions.FORMATS.contains(format)) {
            problem(c, "input.manifest.format", "must be one of " + String.join(", ", ManifestOptions.FORMATS));
        }
        ManifestOptions manifest = new ManifestOptions(str(c, "input.manifest.source"), format,
                str(c, "input.manifest.sql"), str(c, "input.manifest.path-column"));
        HttpOptions http = new HttpOptions(duration(c, "input.http.connect-timeout", "a duration such as 10s"),
                duration(c, "input.http.read-timeout", "a duration such as 60s"), integer(c, "input.http.retries", 0, 10),
                duration(c, "input.http.retry-backoff", "a duration such as 500ms"),
                integer(c, "input.http.max-redirects", 0, 20));
        if (mode == InputMode.STREAM) {
            if (stream.checkpoint().isBlank()) {
                problems.add("input.mode = stream needs a checkpoint: set input.stream.checkpoint, or pass --checkpoint"
                        + " PATH (one directory per output, kept between runs).");
            }
            if (cleanSource.equals("archive") && archiveDir.isBlank()) {
                problem(c, "input.stream.archive-dir", "must be set when input.stream.clean-source = archive");
            }
            if (output.saveMode() != SaveMode.APPEND || output.incremental()) {
                problems.add("input.mode = stream adds each micro-batch to the output (Delta: MERGE on path) and its"
                        + " checkpoint skips the files already scored: it needs output.save-mode = append (got "
                        + output.saveMode().configName() + ") and output.incremental = false (--stream sets both).");
            }
        }
        if (mode == InputMode.MANIFEST) {
            if (manifest.source().isBlank() == manifest.sql().isBlank()) {
                problems.add("input.mode = manifest needs exactly one of input.manifest.source (--manifest TABLE|PATH)"
                        + " and input.manifest.sql (--sql QUERY).");
            }
            if (manifest.pathColumn().isBlank()) {
                problem(c, "input.manifest.path-column", "must name the manifest's column of paths or URLs");
            }
        }
        if (mode != InputMode.MANIFEST && !manifest.source().isBlank()) {
            problems.add("input.manifest.source is set but input.mode = " + mode.configName() + ". Set input.mode ="
                    + " manifest (score --manifest), or remove it.");
        }
        return new SourceOptions(mode, stream, manifest, http);
    }

    /** A non-negative duration. */
    private java.time.Duration duration(Config c, String key, String example) {
        try {
            java.time.Duration v = c.getDuration(key);
            if (v.isNegative()) {
                problem(c, key, "must not be negative");
                return java.time.Duration.ZERO;
            }
            return v;
        } catch (ConfigException e) {
            problem(c, key, "must be " + example);
            return java.time.Duration.ZERO;
        }
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

    private boolean isAuto(Config c, String key) {
        ConfigValue v = c.getValue(key);
        return v.valueType() == ConfigValueType.STRING && "auto".equalsIgnoreCase(String.valueOf(v.unwrapped()).strip());
    }

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

    /** Three numbers (R, G, B), each at least {@code min}. */
    private float[] rgb(Config c, String key, double min) {
        try {
            ConfigValue raw = c.getValue(key);
            // a list in files, "R,G,B" from --set
            List<Double> values = raw.valueType() == ConfigValueType.STRING
                    ? Arrays.stream(String.valueOf(raw.unwrapped()).split(",")).map(String::strip).map(Double::valueOf).toList()
                    : c.getDoubleList(key);
            if (values.size() == 3 && values.stream().allMatch(v -> v >= min && v <= 1e6)) {
                return new float[] {values.get(0).floatValue(), values.get(1).floatValue(), values.get(2).floatValue()};
            }
        } catch (ConfigException | NumberFormatException e) {
            // reported below
        }
        problem(c, key, "must be auto or a list of three numbers [R, G, B]" + (min > 0 ? " above 0" : ""));
        return new float[] {0.5f, 0.5f, 0.5f};
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

    // ---- typed values ---------------------------------------------------------------------------------

    private String str(Config c, String key) {
        try {
            ConfigValue v = c.getValue(key);
            if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
                problem(c, key, "must be a single value, not a " + v.valueType().name().toLowerCase(Locale.ROOT));
                return "";
            }
            return v.valueType() == ConfigValueType.NULL ? "" : String.valueOf(v.unwrapped()).strip();
        } catch (ConfigException e) {
            keyed(key, key + ": " + e.getMessage());
            return "";
        }
    }

    private List<String> strings(Config c, String key) {
        ConfigValue v = c.getValue(key);
        if (v.valueType() == ConfigValueType.STRING) {
            String s = String.valueOf(v.unwrapped()).strip();
            return s.isEmpty() ? List.of() : List.of(s);
        }
        try {
            return c.getStringList(key).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (ConfigException e) {
            problem(c, key, "must be a list of strings, e.g. [\"/data/images\"]");
            return List.of();
        }
    }

    private boolean bool(Config c, String key) {
        try {
            return c.getBoolean(key);
        } catch (ConfigException e) {
            problem(c, key, "must be true or false");
            return false;
        }
    }

    private int integer(Config c, String key, int min, int max) {
        return (int) longValue(c, key, min, max);
    }

    private long longValue(Config c, String key, long min, long max) {
        long v;
        try {
            v = c.getLong(key);
        } catch (ConfigException e) {
            problem(c, key, "must be a whole number" + range(min, max));
            return min;
        }
        if (v < min || v > max) {
            problem(c, key, "must be" + range(min, max));
            return min;
        }
        return v;
    }

    private static String range(long min, long max) {
        if (min == Long.MIN_VALUE) {
            return "";
        }
        return max == Long.MAX_VALUE ? " >= " + min : " between " + min + " and " + max;
    }

    private long bytes(Config c, String key) {
        try {
            long v = c.getBytes(key);
            if (v < 1 || v > MAX_FILE_BYTES) {
                problem(c, key, "must be a size between 1 byte and 2GiB (files are read into one array)");
            }
            return Math.max(1, v);
        } catch (ConfigException e) {
            problem(c, key, "must be a size in bytes, e.g. 104857600 or 100MiB");
            return 1;
        }
    }

    /** A duration of at most an hour; 0 turns the limit off. */
    private Duration decodeTimeout(Config c, String key) {
        try {
            Duration v = c.getDuration(key);
            if (v.isNegative() || v.compareTo(Duration.ofHours(1)) > 0) {
                problem(c, key, "must be a duration between 0 (no limit) and 1h, e.g. 10s or 500ms");
                return PreprocessConfig.DEFAULT_DECODE_TIMEOUT;
            }
            return v;
        } catch (ConfigException e) {
            problem(c, key, "must be a duration, e.g. 10s or 500ms (0 for no limit)");
            return PreprocessConfig.DEFAULT_DECODE_TIMEOUT;
        }
    }

    private double fraction(Config c, String key) {
        try {
            double v = c.getDouble(key);
            if (!(v > 0 && v <= 1)) {
                problem(c, key, "must be in (0, 1]");
                return 1;
            }
            return v;
        } catch (ConfigException e) {
            problem(c, key, "must be a number in (0, 1]");
            return 1;
        }
    }

    private String timestamp(Config c, String key) {
        String v = str(c, key);
        if (!v.isEmpty()) {
            try {
                LocalDateTime.parse(v);
            } catch (DateTimeParseException e) {
                problem(c, key, "must be empty or a time yyyy-MM-ddTHH:mm:ss, e.g. 2024-05-01T00:00:00");
            }
        }
        return v;
    }

    private int threads(Config c) {
        String v = str(c, "scoring.intra-op-threads");
        if (v.equalsIgnoreCase("auto")) {
            return ScoringOptions.AUTO_THREADS;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= 1 && n <= 256) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(c, "scoring.intra-op-threads", "must be auto or a number between 1 and 256");
        return ScoringOptions.AUTO_THREADS;
    }

    private <T> T parse(Config c, String key, Function<String, T> parser, T fallback) {
        String v = str(c, key);
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            keyed(key, key + " = '" + v + "' (" + origin(c, key) + "): " + e.getMessage());
            return fallback;
        }
    }

    private List<String> partitionColumns(Config c) {
        List<String> columns = strings(c, "output.partition-by");
        for (String column : columns) {
            if (!OutputOptions.PARTITION_COLUMNS.contains(column)) {
                problem(c, "output.partition-by", "'" + column + "' is not a column the output can be partitioned by;"
                        + " allowed: " + String.join(", ", OutputOptions.PARTITION_COLUMNS));
            }
        }
        if (new LinkedHashSet<>(columns).size() != columns.size()) {
            problem(c, "output.partition-by", "lists a column twice");
        }
        return columns;
    }

    private Map<String, String> sparkConf(Config c) {
        Map<String, String> conf = new LinkedHashMap<>();
        ConfigObject object;
        try {
            object = c.getObject("spark.conf");
        } catch (ConfigException e) {
            problem(c, "spark.conf", "must be a map of Spark settings, e.g. { \"spark.sql.shuffle.partitions\" = 8 }");
            return conf;
        }
        for (Map.Entry<String, ConfigValue> e : object.toConfig().entrySet()) {
            String name = String.join(".", ConfigUtil.splitPath(e.getKey()));
            Object value = e.getValue().unwrapped();
            if (value instanceof List<?> || value instanceof Map<?, ?>) {
                problems.add("spark.conf: " + name + " must be a single value");
            } else if (value != null) {
                conf.put(name, String.valueOf(value));
            }
        }
        return conf;
    }

    private void problem(Config c, String key, String what) {
        String shown;
        try {
            shown = c.getValue(key).render(com.typesafe.config.ConfigRenderOptions.concise());
        } catch (ConfigException e) {
            shown = "?";
        }
        keyed(key, key + " = " + shown + " (" + origin(c, key) + "): " + what + ".");
    }

    private void keyed(String key, String problem) {
        problems.add(problem);
        valueProblems.putIfAbsent(key, problem);
    }

    private static String origin(Config c, String key) {
        try {
            String d = c.getValue(key).origin().description();
            return d.contains("defaults.conf") ? "default" : d;
        } catch (ConfigException e) {
            return "?";
        }
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
