package io.xceptionspark.image;

import io.xceptionspark.testing.TestData;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Damaged files never make the API throw; one preprocessor is safe to share between threads. */
class DamagedInputTest {
    private static final List<Path> FILES = List.of(TestData.sample("kitten-progressive.jpg"),
            TestData.path("edge-images/hopper.webp"), TestData.path("edge-images/hopper.tif"),
            TestData.path("edge-images/hopper.bmp"), TestData.path("edge-images/p_trns_single.png"),
            TestData.path("edge-images/iss634.gif"), TestData.path("edge-images/pil_sample_cmyk.jpg"),
            TestData.path("edge-images/hopper_orientation_6.jpg"));

    @Test
    void truncatedAndBitFlippedFilesGiveAValue() {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.defaults());
        Random random = new Random(42);
        for (Path file : FILES) {
            byte[] original = ImageFixtures.read(file);
            for (int i = 1; i <= 8; i++) {
                int cut = original.length * i / 9;
                assertNotNull(preprocessor.prepare(java.util.Arrays.copyOf(original, cut)), file + " cut at " + cut);
            }
            for (int i = 0; i < 12; i++) {
                byte[] damaged = original.clone();
                for (int j = 0; j < 4; j++) {
                    damaged[random.nextInt(damaged.length)] ^= (byte) (1 << random.nextInt(8));
                }
                assertNotNull(preprocessor.prepare(damaged), file + " damaged");
            }
        }
    }

    @Test
    void sharedAcrossThreadsGivesTheSameResults() throws Exception {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.defaults());
        List<byte[]> files = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (Path file : FILES) {
            files.add(ImageFixtures.read(file));
            expected.add(assertInstanceOf(PreparedImage.Ready.class, preprocessor.prepare(files.get(files.size() - 1))).chw());
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (byte[] file : files) {
                    results.add(pool.submit(() -> ((PreparedImage.Ready) preprocessor.prepare(file)).chw()));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(expected.get(i % files.size()), results.get(i).get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
