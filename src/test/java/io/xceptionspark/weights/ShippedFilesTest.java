package io.xceptionspark.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** spark-files:NAME: parsing, and finding the file from spark-submit's spark.files list. */
class ShippedFilesTest {
    @TempDir
    Path tmp;

    @Test
    void parsedFromTheWeightsOption() {
        assertEquals(new WeightsSource.ShippedFile("xception.h5"), WeightsSource.parse("spark-files:xception.h5"));
        assertEquals(new WeightsSource.ShippedFile("w.h5"), WeightsSource.parse(" Spark-Files:w.h5 "));
        for (String bad : new String[] {"spark-files:", "spark-files:dir/w.h5", "spark-files:..", "spark-files:/w.h5"}) {
            WeightsException e = assertThrows(WeightsException.class, () -> WeightsSource.parse(bad), bad);
            assertTrue(e.getMessage().contains("--files") && e.getMessage().contains("spark-files:NAME"), e.getMessage());
        }
    }

    @Test
    void entriesOfSparkFilesMatchByFileNameOrAlias() {
        assertEquals(Optional.of(new ShippedFiles.Local(Path.of("/models/w.h5"))),
                ShippedFiles.match("file:/models/w.h5", "w.h5"));
        assertEquals(Optional.of(new ShippedFiles.Local(Path.of("/models/w.h5"))),
                ShippedFiles.match("/models/w.h5", "w.h5"));
        assertEquals(Optional.of(new ShippedFiles.Remote(URI.create("hdfs://nn:8020/models/w.h5"))),
                ShippedFiles.match(" hdfs://nn:8020/models/w.h5", "w.h5"));
        assertEquals(Optional.of(new ShippedFiles.Remote(URI.create("s3a://bucket/v7/xception.h5"))),
                ShippedFiles.match("s3a://bucket/v7/xception.h5#w.h5", "w.h5"));
        assertEquals(Optional.empty(), ShippedFiles.match("s3a://bucket/v7/xception.h5#w.h5", "xception.h5"));
        assertEquals(Optional.empty(), ShippedFiles.match("file:/models/other.h5", "w.h5"));
    }

    @Test
    void foundInSparkFilesBeforeSparkStartsOrAClearError() throws Exception {
        Path file = Files.write(tmp.resolve("shipped-test-weights.h5"), new byte[] {1, 2, 3});
        String before = System.getProperty("spark.files");
        try {
            System.setProperty("spark.files", "file:/elsewhere/a.conf," + file.toUri());
            assertEquals(new ShippedFiles.Local(file), ShippedFiles.locate("shipped-test-weights.h5"));
            WeightsException e = assertThrows(WeightsException.class, () -> ShippedFiles.locate("missing.h5"));
            assertTrue(e.getMessage().contains("no file named missing.h5 was shipped")
                    && e.getMessage().contains("file:/elsewhere/a.conf")
                    && e.getMessage().contains("--files /path/to/missing.h5"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("spark.files");
            } else {
                System.setProperty("spark.files", before);
            }
        }
    }
}
