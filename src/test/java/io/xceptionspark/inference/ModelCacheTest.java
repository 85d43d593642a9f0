package io.xceptionspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xceptionspark.config.JobConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

    /** A small random-weights Xception; seeds make different specs. */
    private static ModelSpec spec(int seed) {
        return new JobConfigLoader().set("model.weights", "none").set("model.seed", Integer.toString(seed))
                .set("model.input-height", "71").set("model.input-width", "71").load().model();
    }
}
