package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.xceptionspark.spark.CommitListener.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The listeners registered with ServiceLoader (src/test/resources/META-INF/services) are told of each step of a
 * Parquet publish, in order, each once the step is done: the run directory is visible from PUBLISH_RUN_VISIBLE on.
 */
class CommitListenerTest {
    @TempDir
    Path tmp;

    @Test
    void aPublishTellsTheListenersEachStepInOrder() throws Exception {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(tmp.resolve("out").toUri());
        ParquetCommit commit = new ParquetCommit(fs, out);
        String runId = "listener-test-" + System.nanoTime();
        fs.create(new org.apache.hadoop.fs.Path(commit.staging(runId), "part-0.parquet")).close();
        Recording.runDir = tmp.resolve("out").resolve(OutputDirs.runDir(runId));

        commit.publish(runId, false);

        assertEquals(List.of(Stage.PUBLISH_COMMITTED + " " + runId + " hidden",
                Stage.PUBLISH_RUN_VISIBLE + " " + runId + " visible", Stage.PUBLISH_APPLIED + " " + runId + " visible"),
                Recording.of(runId));
    }

    /** Records each stage with whether the run directory of {@link #runDir} exists then. */
    public static final class Recording implements CommitListener {
        private static final List<String> SEEN = new ArrayList<>();
        static volatile Path runDir;

        @Override
        public void reached(Stage stage, String runId) {
            Path dir = runDir;
            synchronized (SEEN) {
                SEEN.add(stage + " " + runId + (dir != null && Files.isDirectory(dir) ? " visible" : " hidden"));
            }
        }

        static List<String> of(String runId) {
            synchronized (SEEN) {
                return SEEN.stream().filter(s -> s.contains(" " + runId + " ")).toList();
            }
        }
    }
}
