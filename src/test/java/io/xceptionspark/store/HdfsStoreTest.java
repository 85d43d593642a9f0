package io.xceptionspark.store;

import io.xceptionspark.testing.HdfsStore;
import io.xceptionspark.testing.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link StoreChecks} on HDFS: a MiniDFSCluster (NameNode and DataNode on 127.0.0.1) for the class. */
class HdfsStoreTest extends StoreChecks {
    private static HdfsStore hdfs;

    @BeforeAll
    static void startHdfs() throws Exception {
        hdfs = HdfsStore.start(Files.createTempDirectory("xception-hdfs"));
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
}
