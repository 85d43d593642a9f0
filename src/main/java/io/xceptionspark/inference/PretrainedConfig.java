package io.xceptionspark.inference;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.xceptionspark.image.Interpolation;
import io.xceptionspark.image.Normalization;
import io.xceptionspark.image.PreprocessConfig;
import io.xceptionspark.weights.SafetensorsFile;
import io.xceptionspark.weights.WeightsException;
import io.xceptionspark.weights.WeightsSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The preprocessing a set of weights was trained with, kept apart from the architecture as timm keeps
 * {@code pretrained_cfg} apart from the model: for timm checkpoints the {@code pretrained_cfg} of the hub's
 * {@code config.json}; for Keras' xception, Keras' own (bicubic, timm's crop_pct 0.8975, x / 127.5 - 1).
 * The job's {@code preprocess.*} keys left at {@code auto} take these values.
 *
 * @param source where the values come from (a config.json path, or {@code keras})
 * @param inputHeight pretrained_cfg input_size[1]
 * @param inputWidth pretrained_cfg input_size[2]
 */
public record PretrainedConfig(String source, int inputHeight, int inputWidth, Interpolation interpolation,
                               double cropPct, Normalization normalization) {
    public static final String CONFIG_FILE = "config.json";

    /** Keras' xception (and TorchScript models, which follow the same contract). */
    public static PretrainedConfig keras() {
        return new PretrainedConfig("keras", 299, 299, Interpolation.BICUBIC, PreprocessConfig.DEFAULT_CROP_PCT,
                Normalization.INCEPTION);
    }

    /**
     * The pretrained configuration of the weights of {@code architecture}:
     * {@code configJson} if given, else for a timm architecture the config.json beside a local model.safetensors.
     *
     * @return null for timm weights whose config.json is nowhere to be found
     * @throws IllegalArgumentException if the config.json is unreadable or lacks a pretrained_cfg value
     */
    public static PretrainedConfig of(Architecture architecture, String weights, String configJson) {
        if (configJson != null && !configJson.isBlank()) {
            return read(Path.of(configJson.strip()));
        }
        if (architecture.aligned() == null) {
            return keras();
        }
        WeightsSource source;
        try {
            source = WeightsSource.parse(weights);
        } catch (WeightsException e) {
            return keras(); // a missing weights file: loading the model reports it (exit 3)
        }
        if (source instanceof WeightsSource.RandomInit) {
            return keras(); // random weights were trained with nothing: the project's defaults
        }
        if (source instanceof WeightsSource.LocalFile local) {
            if (SafetensorsFile.isHdf5(local.path())) {
                return keras(); // a Keras .h5 for a timm architecture: loading the model reports it (exit 3)
            }
            Path beside = local.path().toAbsolutePath().resolveSibling(CONFIG_FILE);
            if (Files.isRegularFile(beside)) {
                return read(beside);
            }
        }
        return null;
    }

    /** timm's config.json ({@code save_config_for_hf}): the values under {@code pretrained_cfg}. */
    public static PretrainedConfig read(Path configJson) {
        JsonObject cfg;
        try (Reader reader = Files.newBufferedReader(configJson, StandardCharsets.UTF_8)) {
            JsonElement root = JsonParser.parseReader(reader);
            JsonElement pretrained = root.isJsonObject() ? root.getAsJsonObject().get("pretrained_cfg") : null;
            if (pretrained == null || !pretrained.isJsonObject()) {
                throw new IllegalArgumentException(configJson + " has no pretrained_cfg object: is it the config.json"
                        + " of a timm checkpoint?");
            }
            cfg = pretrained.getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae && iae.getMessage().contains("pretrained_cfg")) {
                throw iae;
            }
            throw new IllegalArgumentException("Cannot read " + configJson + " (" + e.getMessage() + "): give the"
                    + " config.json of a timm checkpoint.", e);
        }
        String where = configJson + ": pretrained_cfg.";
        float[] size = floats(cfg, "input_size", 3, where);
        String interpolation = string(cfg, "interpolation", where);
        double cropPct = number(cfg, "crop_pct", where);
        try {
            return new PretrainedConfig(configJson.toString(), (int) size[1], (int) size[2],
                    Interpolation.parse(interpolation.toLowerCase(Locale.ROOT)), cropPct,
                    new Normalization(floats(cfg, "mean", 3, where), floats(cfg, "std", 3, where)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " " + e.getMessage(), e);
        }
    }

    /** e.g. {@code 299x299 bicubic crop_pct=0.903 mean=0.5,0.5,0.5 std=0.5,0.5,0.5}. */
    public String describe() {
        return inputHeight + "x" + inputWidth + " " + interpolation.name().toLowerCase(Locale.ROOT) + " crop_pct="
                + cropPct + " " + normalization;
    }

    private static JsonElement field(JsonObject cfg, String key, String where) {
        JsonElement e = cfg.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException(where + key + " is missing");
        }
        return e;
    }

    private static String string(JsonObject cfg, String key, String where) {
        JsonElement e = field(cfg, key, where);
        if (!e.isJsonPrimitive()) {
            throw new IllegalArgumentException(where + key + " must be a string");
        }
        return e.getAsString();
    }

    private static double number(JsonObject cfg, String key, String where) {
        JsonElement e = field(cfg, key, where);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new IllegalArgumentException(where + key + " must be a number");
        }
        return e.getAsDouble();
    }

    private static float[] floats(JsonObject cfg, String key, int n, String where) {
        JsonElement e = field(cfg, key, where);
        if (!e.isJsonArray() || e.getAsJsonArray().size() != n) {
            throw new IllegalArgumentException(where + key + " must be a list of " + n + " numbers");
        }
        JsonArray a = e.getAsJsonArray();
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = a.get(i).getAsFloat();
        }
        return values;
    }
}
