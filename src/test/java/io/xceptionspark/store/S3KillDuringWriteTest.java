package io.xceptionspark.store;

import io.xceptionspark.testing.S3Store;
import io.xceptionspark.testing.StoreExtension;
import io.xceptionspark.testing.TestStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StoreKillDuringWrite} on S3 (S3Proxy on 127.0.0.1; Parquet through the S3A magic committer). */
@Tag("crash")
class S3KillDuringWriteTest extends StoreKillDuringWrite {
    @RegisterExtension
    static final StoreExtension<S3Store> S3 = StoreExtension.s3("crash");

    @Override
    TestStore store() {
        return S3.get();
    }

    @Override
    String parquetTaskWritten() {
        return ".pendingset";
    }
}
