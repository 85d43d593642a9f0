package io.xceptionspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.model.Precision;
import io.xceptionspark.model.RuntimeOptions;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cache keeps every model in use and at most {@value ModelCache#DEFAULT_IDLE} idle ones (least recently
 * used closed first), so a JVM that serves many model settings stays bounded; an executor's one model stays
 * loaded between its tasks.
 */
class ModelCacheTest {
    @BeforeEach
    @AfterEach
    void empty() {
        ModelCache.clear();
    }

    @Test
    void idleModelsBeyondTheLimitAreClosedLeastRecentlyUsedFirst() {
        int loads = ModelCache.loadCount();
        ScoringModel first;
        try (ModelCache.Lease a = ModelCache.acquire(spec(0))) {
            first = a.model();
        }
        try (ModelCache.Lease again = ModelCache.acquire(spec(0))) {
            assertSame(first, again.model(), "an idle model is reused, not reloaded");
        }
        ModelCache.acquire(spec(1)).close();
        ModelCache.acquire(spec(2)).close();
        assertEquals(2, ModelCache.size(), "two idle models kept");
        assertEquals(loads + 3, ModelCache.loadCount());
        ModelCache.acquire(spec(1)).close(); // recently used again: spec 2 is now the oldest idle model
        ModelCache.acquire(spec(0)).close(); // spec 0 was closed: loaded again, and spec 2 goes
        assertEquals(loads + 4, ModelCache.loadCount());
        int before = ModelCache.loadCount();
        ModelCache.acquire(spec(1)).close();
        assertEquals(before, ModelCache.loadCount(), "spec 1 stayed loaded");
        ModelCache.acquire(spec(2)).close();
        assertEquals(before + 1, ModelCache.loadCount(), "spec 2 had been closed");
    }

    @Test
    void aModelInUseIsNeverClosed() {
        try (ModelCache.Lease held = ModelCache.acquire(spec(0))) {
            for (int seed = 1; seed <= 4; seed++) {
                ModelCache.acquire(spec(seed)).close();
            }
            assertEquals(1 + ModelCache.DEFAULT_IDLE, ModelCache.size(), "the held model and two idle ones");
            int loads = ModelCache.loadCount();
            try (ModelCache.Lease same = ModelCache.acquire(spec(0))) {
                assertSame(held.model(), same.model());
            }
            assertEquals(loads, ModelCache.loadCount());
            held.model().newPredictor().close(); // still open and usable
        }
    }

    @Test
    void aFailedLoadIsNotCachedAndHoldsNothing() {
        ModelSpec missing = new JobConfigLoader().set("model.weights", "/nonexistent/weights.h5")
                .set("model.input-height", "71").set("model.input-width", "71").load().model();
        assertThrows(RuntimeException.class, () -> ModelCache.acquire(missing));
        assertThrows(RuntimeException.class, () -> ModelCache.acquire(missing), "tried again, not remembered");
        assertEquals(0, ModelCache.size());
    }

    /** Cache directories and the download policy say how weights are found, not what the model computes. */
    @Test
    void specsDifferingOnlyInHowWeightsAreFetchedShareOneModel(@TempDir Path tmp) {
        try (ModelCache.Lease a = ModelCache.acquire(spec(0))) {
            int loads = ModelCache.loadCount();
            ModelSpec elsewhere = spec(0).withFetch(new WeightsFetch(tmp.resolve("keras").toString(),
                    tmp.resolve("remote").toString(), true));
            try (ModelCache.Lease b = ModelCache.acquire(elsewhere)) {
                assertSame(a.model(), b.model());
            }
            assertEquals(loads, ModelCache.loadCount());
        }
    }

    /** Weights count by their content: one file at two paths is one model; the weights' checksum is the key. */
    @Test
    void theSameWeightsAtTwoPathsAreOneModel(@TempDir Path tmp) throws Exception {
        Path first = Files.copy(TestData.path(Golden.WEIGHTS), tmp.resolve("a.h5"));
        Path second = Files.copy(TestData.path(Golden.WEIGHTS), tmp.resolve("b.h5"));
        try (ModelCache.Lease a = ModelCache.acquire(spec(0).withWeights(first.toString()));
             ModelCache.Lease b = ModelCache.acquire(spec(0).withWeights(second.toString()))) {
            assertSame(a.model(), b.model());
            Path other = tmp.resolve("c.h5");
            Files.copy(first, other);
            Files.write(other, new byte[] {0}, StandardOpenOption.APPEND); // another checksum
            try (ModelCache.Lease c = ModelCache.acquire(spec(0).withWeights(other.toString()))) {
                assertNotSame(a.model(), c.model());
            }
        }
    }

    /** The identity written beside every row names the spec's own file, whichever spec a JVM loaded first. */
    @Test
    void oneFileUnderTwoNamesKeepsEachNameInTheIdentity(@TempDir Path tmp) throws Exception {
        Path first = Files.copy(TestData.path(Golden.TORCHSCRIPT_MODEL), tmp.resolve("first.pt"));
        Path second = Files.copy(TestData.path(Golden.TORCHSCRIPT_MODEL), tmp.resolve("second.pt"));
        try (ModelCache.Lease a = ModelCache.acquire(ModelSpec.torchScript(first.toString(), "", 299, 299));
             ModelCache.Lease b = ModelCache.acquire(ModelSpec.torchScript(second.toString(), "", 299, 299))) {
            assertEquals("first.pt", a.model().identity().weightsKind());
            assertEquals("second.pt", b.model().identity().weightsKind());
        }
    }

    /** What changes the numbers makes another model: precision, and folding (float32 round-off). */
    @Test
    void precisionAndFoldingMakeOtherModels() {
        try (ModelCache.Lease folded = ModelCache.acquire(spec(0));
             ModelCache.Lease unfolded = ModelCache.acquire(spec(0).withRuntime(
                     new RuntimeOptions(Precision.FLOAT32, false)));
             ModelCache.Lease bf16 = ModelCache.acquire(spec(0).withPrecision(Precision.BFLOAT16))) {
            assertNotSame(folded.model(), unfolded.model());
            assertNotSame(folded.model(), bf16.model());
            assertEquals(3, ModelCache.size());
        }
    }

    /** A small random-weights Xception; seeds make different specs. */
    private static ModelSpec spec(int seed) {
        return new JobConfigLoader().set("model.weights", "none").set("model.seed", Integer.toString(seed))
                .set("model.input-height", "71").set("model.input-width", "71").load().model();
    }
}
