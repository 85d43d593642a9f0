package io.xceptionspark.store;

import io.xceptionspark.testing.HdfsStore;
import io.xceptionspark.testing.StoreExtension;
import io.xceptionspark.testing.TestStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link StoreChecks} on HDFS: a MiniDFSCluster (NameNode and DataNode on 127.0.0.1) for the class. */
class HdfsStoreTest extends StoreChecks {
    @RegisterExtension
    static final StoreExtension<HdfsStore> HDFS = StoreExtension.hdfs();

    @Override
    TestStore store() {
        return HDFS.get();
    }

    /** A missing path and a NameNode that cannot be reached: exit 2, one message naming the fix, in seconds. */
    @Test
    void missingPathOrUnreachableNameNodeEndInSecondsWithExitTwo() {
        HdfsStore hdfs = HDFS.get();
        CliRun missing = cli(concat(List.of("score", "--input", hdfs.uri("no-such-dir"), "--output",
                hdfs.uri(dir("bad") + "out"), "--set", "output.format=delta"), MODEL));
        System.out.printf("bad input, %.1f s, exit %d: %s%n", missing.seconds(), missing.code(), missing.err().strip());
        assertEquals(2, missing.code(), missing.toString());
        assertTrue(missing.err().contains("does not exist"), missing.toString());
        CliRun unreachable = cli(concat(List.of("score", "--input", "hdfs://127.0.0.1:1/photos", "--output",
                hdfs.uri(dir("bad") + "out"), "--set", "output.format=delta"), MODEL));
        System.out.printf("bad input, %.1f s, exit %d: %s%n", unreachable.seconds(), unreachable.code(),
                unreachable.err().strip());
        assertEquals(2, unreachable.code(), unreachable.toString());
        assertTrue(unreachable.err().contains("cannot be reached"), unreachable.toString());
        assertTrue(unreachable.seconds() < 15, "within seconds: " + unreachable);
    }
}
