package io.xceptionspark.store;

import io.xceptionspark.testing.HdfsStore;
import io.xceptionspark.testing.TestStore;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link StoreKillDuringWrite} on HDFS (MiniDFSCluster on 127.0.0.1). */
@Tag("crash")
class HdfsKillDuringWriteTest extends StoreKillDuringWrite {
    private static HdfsStore hdfs;

    @BeforeAll
    static void startHdfs() throws Exception {
        hdfs = HdfsStore.start(Files.createTempDirectory("xception-hdfs-kill"));
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    @Override
    TestStore store() {
        return hdfs;
    }

    @Override
    String parquetTaskWritten() {
        return ".parquet";
    }
}
