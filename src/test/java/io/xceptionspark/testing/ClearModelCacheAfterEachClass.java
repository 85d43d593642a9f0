package io.xceptionspark.testing;

import io.xceptionspark.inference.ModelCache;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes the models a test class loaded. The executor-wide cache keeps every model until the JVM ends (right
 * for an executor, which serves one job), but the test JVM loads dozens of different models (sizes, weights,
 * precisions) and their weights would add up past the direct-memory limit. Registered for every test class
 * by JUnit's extension auto-detection (src/test/resources/junit-platform.properties).
 */
public final class ClearModelCacheAfterEachClass implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) {
        ModelCache.clear();
    }
}
