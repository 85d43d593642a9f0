package io.xceptionspark.spark;

import java.util.List;
import java.util.ServiceLoader;

/** The {@link CommitListener}s on the driver's class path, loaded once. */
final class CommitListeners {
    private static final List<CommitListener> LOADED = ServiceLoader
            .load(CommitListener.class, CommitListener.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get).toList();

    private CommitListeners() {}

    static void reached(CommitListener.Stage stage, String runId) {
        for (CommitListener listener : LOADED) {
            listener.reached(stage, runId);
        }
    }
}
