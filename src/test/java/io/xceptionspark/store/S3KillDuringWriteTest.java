package io.xceptionspark.store;

import io.xceptionspark.testing.S3Store;
import io.xceptionspark.testing.TestStore;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link StoreKillDuringWrite} on S3 (S3Proxy on 127.0.0.1; Parquet through the S3A magic committer). */
@Tag("crash")
class S3KillDuringWriteTest extends StoreKillDuringWrite {
    private static S3Store s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3Store.start(Files.createTempDirectory("xception-s3-kill"), "crash");
    }

    @AfterAll
    static void stopS3() throws Exception {
        if (s3 != null) {
            s3.close();
        }
    }

    @Override
    TestStore store() {
        return s3;
    }

    @Override
    String parquetTaskWritten() {
        return ".pendingset";
    }
}
