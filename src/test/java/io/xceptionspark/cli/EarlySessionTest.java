package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.testing.SparkTestSession;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The session started beside the driver's model check (cluster masters). */
class EarlySessionTest {
    @Test
    void startsOnAnotherThreadWithTheCallersClassLoader() throws Exception {
        SparkSession spark = SparkTestSession.get();
        AtomicReference<Thread> thread = new AtomicReference<>();
        AtomicReference<ClassLoader> loader = new AtomicReference<>();
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        // spark-submit runs the application with a loader of its own that holds the application jar
        try (URLClassLoader appLoader = new URLClassLoader(new URL[0], previous)) {
            Thread.currentThread().setContextClassLoader(appLoader);
            EarlySession early = EarlySession.start(() -> {
                thread.set(Thread.currentThread());
                loader.set(Thread.currentThread().getContextClassLoader());
                return spark;
            });
            assertSame(spark, early.get());
            assertSame(appLoader, loader.get());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        assertNotSame(Thread.currentThread(), thread.get());
    }

    @Test
    void aFailedStartIsRethrownAsItWasThrown() {
        JobConfigException failure = new JobConfigException("spark.master: no such cluster. Fix the URL.");
        EarlySession early = EarlySession.start(() -> {
            throw failure;
        });
        assertSame(failure, assertThrows(JobConfigException.class, early::get));
        assertDoesNotThrow(early::abandon);
    }
}
