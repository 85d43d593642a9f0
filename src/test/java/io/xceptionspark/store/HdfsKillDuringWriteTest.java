package io.xceptionspark.store;

import io.xceptionspark.testing.HdfsStore;
import io.xceptionspark.testing.StoreExtension;
import io.xceptionspark.testing.TestStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StoreKillDuringWrite} on HDFS (MiniDFSCluster on 127.0.0.1). */
@Tag("crash")
class HdfsKillDuringWriteTest extends StoreKillDuringWrite {
    @RegisterExtension
    static final StoreExtension<HdfsStore> HDFS = StoreExtension.hdfs();

    @Override
    TestStore store() {
        return HDFS.get();
    }

    @Override
    String parquetTaskWritten() {
        return ".parquet";
    }
}
