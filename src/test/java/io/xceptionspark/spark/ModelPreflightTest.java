package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.weights.WeightsException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver loads the model before Spark: the sample job's random-weights fallback, and its absence elsewhere. */
class ModelPreflightTest {
    private static JobConfigLoader imagenetNotop(Path emptyCache) {
        return new JobConfigLoader().set("model.weights", "imagenet").set("model.include-top", "false")
                .set("scoring.mode", "embeddings").set("model.input-height", "71").set("model.input-width", "71")
                .set("model.weights-cache-dir", emptyCache.toString());
    }

    @Test
    void sampleJobFallsBackToRandomWeightsLoudly(@TempDir Path cache) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelPreflight.Loaded loaded = ModelPreflight.load(imagenetNotop(cache).set("model.imagenet-fallback-random", "true")
                .load(), new PrintStream(out, true, StandardCharsets.UTF_8));
        String console = out.toString(StandardCharsets.UTF_8);
        assertTrue(console.contains("RANDOM weights") && console.contains("MEANINGLESS"), console);
        assertTrue(console.contains(cache.resolve("xception_weights_tf_dim_ordering_tf_kernels_notop.h5").toString()), console);
        assertEquals("none", loaded.config().model().pretrained().weights());
        assertTrue(loaded.model().identity().toString().startsWith("xception/random"), loaded.model().identity().toString());
    }

    @Test
    void otherJobsFailWithTheWeightsMessage(@TempDir Path cache) {
        WeightsException e = assertThrows(WeightsException.class, () ->
                ModelPreflight.load(imagenetNotop(cache).load(), new PrintStream(PrintStream.nullOutputStream())));
        assertTrue(e.getMessage().contains("is missing"), e.getMessage());
    }

    @Test
    void modelOptionsTheWeightsCannotServeAreConfigurationErrors(@TempDir Path cache) {
        JobConfigException e = assertThrows(JobConfigException.class, () -> ModelPreflight.load(new JobConfigLoader()
                .set("model.weights", "imagenet").set("model.classes", "10").set("scoring.top-k", "3")
                .set("model.weights-cache-dir", cache.toString()).load(), new PrintStream(PrintStream.nullOutputStream())));
        assertTrue(e.getMessage().contains("classes=1000"), e.getMessage());
    }
}
