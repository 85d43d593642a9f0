package io.xceptionspark.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightsSourceTest {

    @TempDir
    Path tmp;

    @Test
    void noneCarriesASeed() {
        assertEquals(new WeightsSource.RandomInit(0), WeightsSource.parse("none"));
        assertEquals(new WeightsSource.RandomInit(42), WeightsSource.parse(" NONE ", 42));
    }

    @Test
    void imagenet() {
        assertEquals(new WeightsSource.Imagenet(), WeightsSource.parse("imagenet"));
        assertEquals(new WeightsSource.Imagenet(), WeightsSource.parse("ImageNet"));
    }

    @Test
    void existingPlainPathAndFileUri() throws IOException {
        Path h5 = Files.createFile(tmp.resolve("my weights.h5"));
        assertEquals(new WeightsSource.LocalFile(h5), WeightsSource.parse(h5.toString()));
        assertEquals(new WeightsSource.LocalFile(h5), WeightsSource.parse(h5.toUri().toString()));
    }

    @Test
    void relativePath() throws IOException {
        Path rel = Path.of("target", "weights-source-test.h5");
        Files.createDirectories(rel.getParent());
        Files.write(rel, new byte[] {1});
        assertEquals(new WeightsSource.LocalFile(rel), WeightsSource.parse("target/weights-source-test.h5"));
    }

    @Test
    void remoteUrisAreKeptAsGiven() {
        assertEquals(new WeightsSource.RemoteUri(URI.create("hdfs://nn:8020/models/xception.h5")),
                WeightsSource.parse("hdfs://nn:8020/models/xception.h5"));
        assertEquals(new WeightsSource.RemoteUri(URI.create("s3a://bucket/models/x.h5")),
                WeightsSource.parse("s3a://bucket/models/x.h5"));
        assertEquals(new WeightsSource.RemoteUri(URI.create("https://example.org/x.h5")),
                WeightsSource.parse("https://example.org/x.h5"));
    }

    @Test
    void missingLocalFileIsAClearError() {
        Path p = tmp.resolve("nope.h5");
        assertMessage(() -> WeightsSource.parse(p.toString()), p.toString(), "does not exist", "weights=imagenet");
        assertMessage(() -> WeightsSource.parse(p.toUri().toString()), p.toString(), "does not exist");
    }

    @Test
    void directoryIsNotAWeightsFile() {
        assertMessage(() -> WeightsSource.parse(tmp.toString()), tmp.toString(), "is not a file");
    }

    @Test
    void blankAndInvalidValues() {
        assertMessage(() -> WeightsSource.parse("  "), "weights option is empty", "weights=imagenet");
        assertMessage(() -> WeightsSource.parse(null), "weights option is empty");
        assertMessage(() -> WeightsSource.parse("s3a://bucket/my weights.h5"), "not a valid URI", "%20");
    }

    private static void assertMessage(Runnable r, String... fragments) {
        WeightsException e = assertThrows(WeightsException.class, r::run);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
    }
}
