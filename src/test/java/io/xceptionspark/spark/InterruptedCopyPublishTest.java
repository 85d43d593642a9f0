package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.testing.S3Store;
import io.xceptionspark.testing.StoreExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On S3 a directory rename is a copy of each object, then a delete of the sources: a Parquet publish
 * (output.allow-non-atomic-publish) cut by a crash midway leaves the run directory with some of the objects
 * and the staging directory with all of them. The next run's recovery completes it from the journal (S3Proxy
 * on 127.0.0.1, no Spark).
 */
class InterruptedCopyPublishTest {
    @RegisterExtension
    static final StoreExtension<S3Store> S3 = StoreExtension.s3("publish");

    @Test
    void aPublishCutMidCopyIsCompletedByTheNextRun() throws Exception {
        FileSystem fs = S3.get().fs();
        Path out = new Path(S3.get().uri("out"));
        ParquetCommit commit = new ParquetCommit(fs, out);
        Path staging = commit.staging("run1");
        List<String> files = List.of("part-0.parquet", "part-1.parquet", "run_date=2026-12-07/part-2.parquet",
                "run_date=2026-12-07/part-3.parquet");
        for (String f : files) {
            write(fs, new Path(staging, f), f);
        }
        commit.writeJournal("run1", false); // committed: the journal is in place
        Path runDir = new Path(out, OutputDirs.runDir("run1"));
        // the copy died after two objects (one of them in a partition directory); the sources are all there
        write(fs, new Path(runDir, "part-0.parquet"), "part-0.parquet");
        write(fs, new Path(runDir, "run_date=2026-12-07/part-2.parquet"), "run_date=2026-12-07/part-2.parquet");

        List<String> done = new ParquetCommit(fs, out).recover();

        assertTrue(done.get(0).contains("completed the publish of run run1"), done.toString());
        for (String f : files) {
            assertEquals(f, read(fs, new Path(runDir, f)), "every object of the run, once");
        }
        assertEquals(files.size(), count(fs, runDir));
        assertFalse(fs.exists(staging), "the staging copy is gone");
        assertFalse(fs.exists(new Path(new Path(out, OutputDirs.DIR), OutputDirs.JOURNAL + "/run1")),
                "the journal is done");
    }

    private static void write(FileSystem fs, Path p, String text) throws IOException {
        try (OutputStream o = fs.create(p, true)) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(FileSystem fs, Path p) throws IOException {
        try (var in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int count(FileSystem fs, Path dir) throws IOException {
        int n = 0;
        var it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            it.next();
            n++;
        }
        return n;
    }
}
