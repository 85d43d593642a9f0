package io.xceptionspark.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.image.Interpolation;
import io.xceptionspark.image.Normalization;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The preprocess.* keys left at auto come from the weights' pretrained configuration: timm's config.json
 * (beside model.safetensors, or model.pretrained-config), Keras' own for xception; the job can override each.
 */
class PretrainedPreprocessTest {
    @TempDir
    Path tmp;
    Path weights;

    /** A config.json as timm's save_config_for_hf writes it (values differ from Keras' on purpose). */
    private static String configJson(double cropPct, String interpolation, String mean, String std) {
        return configJson(299, 299, cropPct, interpolation, mean, std);
    }

    private static String configJson(int height, int width, double cropPct, String interpolation, String mean,
                                     String std) {
        return "{\"architecture\": \"xception65\", \"num_classes\": 1000, \"num_features\": 2048,\n"
                + " \"pretrained_cfg\": {\"tag\": \"tf_in1k\", \"input_size\": [3, " + height + ", " + width + "],"
                + " \"interpolation\": \"" + interpolation + "\", \"crop_pct\": " + cropPct + ", \"crop_mode\": \"center\","
                + " \"mean\": " + mean + ", \"std\": " + std + ", \"num_classes\": 1000, \"first_conv\": \"stem.0.conv\","
                + " \"classifier\": \"head.fc\"}}";
    }

    @BeforeEach
    void checkpoint() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("xception65.tf_in1k"));
        weights = Files.write(dir.resolve("model.safetensors"), new byte[16]);
        Files.writeString(dir.resolve("config.json"),
                configJson(0.903, "bilinear", "[0.485, 0.456, 0.406]", "[0.229, 0.224, 0.225]"));
    }

    private JobConfigLoader timm() {
        return new JobConfigLoader().set("model.architecture", "xception65").set("model.weights", weights.toString());
    }

    @Test
    void kerasXceptionKeepsKerasPreprocessing() {
        PreprocessOptions p = new JobConfigLoader().load().preprocess();
        assertEquals(Interpolation.BICUBIC, p.interpolation());
        assertEquals(0.8975, p.cropPct());
        assertEquals(Normalization.INCEPTION, p.normalization());
    }

    @Test
    void timmWeightsTakeTheConfigJsonBesideThem() {
        PreprocessOptions p = timm().load().preprocess();
        assertEquals(Interpolation.BILINEAR, p.interpolation());
        assertEquals(0.903, p.cropPct());
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, p.normalization().mean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, p.normalization().std());
        assertEquals("crop bilinear crop_pct=0.903 mean=0.485,0.456,0.406 std=0.229,0.224,0.225", p.describe());
    }

    @Test
    void theInputSizeComesFromTheConfigJsonUnlessTheJobSetsIt() throws Exception {
        assertEquals(299, new JobConfigLoader().load().model().inputHeight(), "Keras' xception: 299x299");
        assertEquals(299, timm().load().model().inputWidth());
        Files.writeString(weights.resolveSibling("config.json"),
                configJson(320, 288, 0.903, "bicubic", "[0.5, 0.5, 0.5]", "[0.5, 0.5, 0.5]"));
        JobConfig job = timm().set("model.include-top", "false").set("scoring.mode", "embeddings").load();
        assertEquals(320, job.model().inputHeight());
        assertEquals(288, job.model().inputWidth());
        assertEquals(320, job.preprocessConfig().height(), "the images are prepared at the model's size");
        assertEquals(288, job.preprocessConfig().width());
        JobConfig overridden = timm().set("model.include-top", "false").set("scoring.mode", "embeddings").set("model.input-height", "256").load();
        assertEquals(256, overridden.model().inputHeight());
        assertEquals(288, overridden.model().inputWidth(), "width still from config.json");
    }

    @Test
    void theJobOverridesEachValue() {
        PreprocessOptions p = timm().set("preprocess.crop-pct", "0.94").set("preprocess.interpolation", "bicubic")
                .set("preprocess.mean", "0.5, 0.5, 0.5").load().preprocess();
        assertEquals(0.94, p.cropPct());
        assertEquals(Interpolation.BICUBIC, p.interpolation());
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f}, p.normalization().mean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, p.normalization().std(), "std still from config.json");
    }

    @Test
    void anExplicitPretrainedConfigWins() throws Exception {
        Path other = Files.writeString(tmp.resolve("ra3.json"),
                configJson(0.94, "bicubic", "[0.5, 0.5, 0.5]", "[0.5, 0.5, 0.5]"));
        PreprocessOptions p = timm().set("model.pretrained-config", other.toString()).load().preprocess();
        assertEquals(0.94, p.cropPct());
        assertEquals(Normalization.INCEPTION, p.normalization());
    }

    @Test
    void timmWeightsWithoutConfigJsonNeedItOrExplicitValues() throws Exception {
        Files.delete(weights.resolveSibling("config.json"));
        String message = assertThrows(JobConfigException.class, () -> timm().load()).getMessage();
        assertTrue(message.contains("model.input-height, model.input-width, preprocess.interpolation,"
                + " preprocess.crop-pct, preprocess.mean, preprocess.std = auto")
                && message.contains("set model.pretrained-config"), message);
        assertEquals(1, message.lines().count(), "one problem, not one per key: " + message);
        PreprocessOptions p = timm().set("model.input-height", "299").set("model.input-width", "299")
                .set("preprocess.interpolation", "bicubic").set("preprocess.crop-pct", "0.903")
                .set("preprocess.mean", "0.5, 0.5, 0.5")
                .set("preprocess.std", "0.5,0.5,0.5").load().preprocess();
        assertEquals(0.903, p.cropPct());
    }

    @Test
    void badValuesAreConfigurationErrors() throws Exception {
        String message = assertThrows(JobConfigException.class, () -> timm()
                .set("preprocess.std", "0.5,0,0.5").load()).getMessage();
        assertTrue(message.contains("preprocess.std") && message.contains("three numbers"), message);
        Files.writeString(weights.resolveSibling("config.json"), "{\"architecture\": \"xception65\"}");
        message = assertThrows(JobConfigException.class, () -> timm().load()).getMessage();
        assertTrue(message.contains("has no pretrained_cfg"), message);
    }
}
