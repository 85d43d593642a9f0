package io.xceptionspark.config;

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
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The model and preprocess sections of one validation: the model.* keys put together as a {@link ModelSpec}
 * (whose constructor checks the rules that tie its parts), the preprocess.* keys, and the keys left at auto
 * (role {@link KeyRole#PRETRAINED}) taken from the weights' pretrained configuration, looked up once.
 */
final class ModelSection {
    private final ConfigReader r;
    private PretrainedConfig pretrained;
    private boolean pretrainedLookedUp;

    ModelSection(ConfigReader r) {
        this.r = r;
    }

    /** The model, or null when a model key is invalid (the problems are reported). */
    ModelSpec model() {
        int before = r.problems().size();
        Architecture architecture = parsed("model.architecture", Architecture::parse, Architecture.XCEPTION);
        Pooling pooling = r.choice("model.pooling", Pooling.class);
        if (pooling == Pooling.NONE) {
            r.problem("model.pooling", "must be avg or max (the scorer writes pooled [2048] embeddings)");
        }
        HeadOptions head = new HeadOptions(r.bool("model.include-top"), pooling, r.integer("model.classes"),
                ClassifierActivation.SOFTMAX);
        String weights = r.string("model.weights");
        Auto<Integer> height = r.auto("model.input-height");
        Auto<Integer> width = r.auto("model.input-width");
        PretrainedConfig config = height.isAuto() || width.isAuto() ? pretrainedConfig(architecture, weights) : null;
        String sha256 = parsed("model.weights-sha256", PretrainedWeights::parseSha256, "");
        String outputs = parsed("model.torchscript-outputs", v -> {
            OutputLayout.parseTorchScript(v);
            return v;
        }, "");
        String pretrainedConfig = r.string("model.pretrained-config");
        if (!pretrainedConfig.isBlank() && !Files.isRegularFile(Path.of(pretrainedConfig))) {
            r.problem("model.pretrained-config", "is not a file: give the local path of the checkpoint's config.json,"
                    + " or leave it empty");
        }
        RuntimeOptions runtime = new RuntimeOptions(r.choice("model.precision", Precision.class),
                r.bool("model.fold-batchnorm"));
        String cacheDir = r.string("model.weights-cache-dir");
        WeightsFetch fetch = new WeightsFetch(cacheDir.isBlank() ? "" : Path.of(cacheDir).toAbsolutePath().toString(),
                r.string("model.remote-weights-cache-dir"), r.bool("model.allow-download"));
        String torchscript = r.string("model.torchscript");
        if (r.problems().size() > before) {
            return null;
        }
        try {
            return new ModelSpec(architecture, head, new PretrainedWeights(absoluteIfLocal(weights), sha256,
                    r.longValue("model.seed"), torchscript.isBlank() ? "" : absoluteIfLocal(torchscript), outputs,
                    height.orElse(config == null ? 0 : config.inputHeight()),
                    width.orElse(config == null ? 0 : config.inputWidth())), runtime, fetch);
        } catch (IllegalArgumentException e) {
            r.add(e.getMessage());
            return null;
        }
    }

    /** The preprocess.* keys, those left at auto taken from the model's pretrained configuration. */
    PreprocessOptions preprocess(ModelSpec model) {
        boolean anyAuto = ConfigKeys.withRole(KeyRole.PRETRAINED).stream().anyMatch(k -> r.isAuto(k.name()));
        PretrainedConfig config = anyAuto && model != null
                ? pretrainedConfig(model.architecture(), model.pretrained().weights()) : null;
        if (config == null) {
            config = PretrainedConfig.keras();
        }
        Auto<Interpolation> interpolation = r.auto("preprocess.interpolation");
        Auto<Double> cropPct = r.auto("preprocess.crop-pct");
        Auto<float[]> mean = r.auto("preprocess.mean");
        Auto<float[]> std = r.auto("preprocess.std");
        return new PreprocessOptions(r.choice("preprocess.resize", ResizePolicy.class),
                interpolation.orElse(config.interpolation()), cropPct.orElse(config.cropPct()),
                r.longValue("preprocess.max-file-bytes"), r.longValue("preprocess.max-pixels"),
                new Normalization(mean.orElse(config.normalization().mean()), std.orElse(config.normalization().std())),
                r.duration("preprocess.decode-timeout"), r.choice("preprocess.jpeg-draft", JpegDraft.class));
    }

    /** The scoring mode needs outputs the model has: labels need logits, embeddings need the pooled features. */
    void checkModelProvides(ModelSpec model, ScoringOptions scoring) {
        OutputLayout layout = model.outputLayout();
        String fix = model.isTorchScript() ? "declare model.torchscript-outputs = logits,embedding if the model"
                + " returns both" : "set model.include-top = true";
        if (scoring.mode().labels() && !layout.hasLogits()) {
            r.add("scoring.mode = " + scoring.mode().configName() + " needs the classifier's logits, which"
                    + " this model does not return: " + fix + ", or use scoring.mode = embeddings.");
        }
        if (scoring.includeLogits() && !layout.hasLogits()) {
            r.add("scoring.include-logits = true needs the classifier's logits, which this model does not"
                    + " return: " + fix + ", or set scoring.include-logits = false.");
        }
        if (scoring.mode().embeddings() && !layout.hasEmbedding()) {
            r.add("scoring.mode = " + scoring.mode().configName() + " needs embeddings, which this TorchScript"
                    + " model does not return (model.torchscript-outputs = " + model.pretrained().torchScriptOutputs()
                    + ").");
        }
        if (!model.isTorchScript() && model.head().includeTop()) {
            try {
                scoring.checkTopK(model.head().classes()); // known before loading (a TorchScript model's: after)
            } catch (JobConfigException e) {
                r.add(e.getMessage());
            }
        }
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

    /**
     * model.pretrained-config, or the config.json beside the timm weights; null (one problem noted, naming every
     * key left at auto) if there is none. Looked up once (the size and preprocess keys share it).
     */
    private PretrainedConfig pretrainedConfig(Architecture architecture, String weights) {
        if (pretrainedLookedUp) {
            return pretrained;
        }
        pretrainedLookedUp = true;
        String explicit = r.string("model.pretrained-config");
        try {
            pretrained = PretrainedConfig.of(architecture, absoluteIfLocal(weights), explicit.isBlank() ? ""
                    : Path.of(explicit).toAbsolutePath().toString());
            if (pretrained == null) {
                List<String> autoKeys = ConfigKeys.withRole(KeyRole.PRETRAINED).stream().map(ConfigKey::name)
                        .filter(r::isAuto).toList();
                r.add(String.join(", ", autoKeys) + " = auto take timm " + architecture.id() + "'s"
                        + " pretrained configuration, but there is no " + PretrainedConfig.CONFIG_FILE + " beside "
                        + weights + ": set model.pretrained-config to the checkpoint's config.json (a local"
                        + " file), or set those keys explicitly.");
            }
        } catch (IllegalArgumentException e) {
            r.add("model.pretrained-config: " + e.getMessage());
        }
        return pretrained;
    }

    /** A string key read by {@code parser}: its message is the key's problem, and {@code fallback} the value. */
    private <T> T parsed(String key, Function<String, T> parser, T fallback) {
        String v = r.string(key);
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            r.keyed(key, key + " = '" + v + "' (" + r.origin(key) + "): " + e.getMessage());
            return fallback;
        }
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
}
