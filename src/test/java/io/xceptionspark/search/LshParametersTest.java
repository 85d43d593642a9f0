package io.xceptionspark.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LshParametersTest {
    @Test
    void theBucketShareMatchesFlooredRandomProjections() {
        Random r = new Random(3);
        int dim = 2048;
        double w = 0.02;
        for (double distance : new double[] {0.1, 0.316, 0.7, 1.2}) {
            int same = 0;
            int trials = 200_000;
            double sigma = distance / Math.sqrt(dim);
            for (int t = 0; t < trials; t++) {
                double x = r.nextDouble() * 10; // where a vector falls along the direction, in any bucket
                double y = x + sigma * r.nextGaussian();
                if (Math.floor(x / w) == Math.floor(y / w)) {
                    same++;
                }
            }
            assertEquals((double) same / trials, LshParameters.bucketShare(distance, dim, w), 0.005,
                    "distance " + distance);
        }
    }

    @Test
    void theDerivedSettingsKeepNearDuplicatesAndRejectTypicalPairs() {
        // distances of random pairs of unit embeddings around 0.9 (cosine ~0.6), threshold 0.95 (distance 0.316)
        Random r = new Random(1);
        double[] sample = new double[20_000];
        for (int i = 0; i < sample.length; i++) {
            sample[i] = 0.9 + 0.1 * r.nextGaussian();
        }
        for (long rows : new long[] {1_000, 100_000}) {
            LshParameters p = LshParameters.derive(0.95, 2048, rows, sample, 0.99);
            assertTrue(p.recallAtSimilarity(0.95) >= 0.99, p.toString());
            assertTrue(p.recallAtSimilarity(0.98) > p.recallAtSimilarity(0.95), "closer pairs: higher recall");
            assertTrue(p.hashes() <= LshParameters.MAX_HASHES, p.toString());
            if (rows == 100_000) {
                // 5 x 10^9 pairs: the candidates must be a small share of them
                assertTrue(p.recallAt(0.9) < 0.01, "a typical pair is rarely a candidate: " + p + " "
                        + p.recallAt(0.9));
            }
        }
    }
}
