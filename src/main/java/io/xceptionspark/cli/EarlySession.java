package io.xceptionspark.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark session started on its own thread while the driver goes on with its model check. Against a cluster
 * master the start registers the application and the cluster manager launches the executors (JVM start, jar
 * fetch, model preload: seconds), so they start while the driver loads the model instead of after it. If the
 * check fails, {@link #abandon()} stops the session once it is up: nothing was written by then.
 */
final class EarlySession {
    private final CompletableFuture<SparkSession> session = new CompletableFuture<>();

    private EarlySession() {}

    static EarlySession start(Supplier<SparkSession> create) {
        EarlySession early = new EarlySession();
        Thread thread = new Thread(() -> {
            try {
                early.session.complete(create.get());
            } catch (Throwable e) {
                early.session.completeExceptionally(e);
            }
        }, "xception-spark-session-start");
        // Spark loads the job's classes (Kryo registrator, plugin, SQL extensions) through this loader: under
        // spark-submit it is the one that holds the application jar
        thread.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        thread.setDaemon(true);
        thread.start();
        return early;
    }

    /** The session, once started; a failure to start is rethrown as it was thrown. */
    SparkSession get() {
        try {
            return session.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Stops the session once it has started (the run failed before using it). */
    void abandon() {
        try {
            get().stop();
        } catch (RuntimeException e) {
            // it failed to start: nothing to stop, and the run's own failure is the one to report
        }
    }
}
