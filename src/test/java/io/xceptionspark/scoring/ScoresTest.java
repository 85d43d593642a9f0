package io.xceptionspark.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Softmax, top-k and L2 normalisation of one image's outputs. */
class ScoresTest {
    @Test
    void softmaxIsStableAndSumsToOne() {
        float[] p = Scores.softmax(new float[] {1000f, 999f, -1000f});
        assertEquals(1.0, p[0] + p[1] + p[2], 1e-6);
        assertEquals(1 / (1 + Math.exp(-1)), p[0], 1e-6);
        assertEquals(0f, p[2]);
    }

    @Test
    void topIndicesAreSortedLargestFirstWithTiesByIndex() {
        assertArrayEquals(new int[] {3, 1, 4}, Scores.topIndices(new float[] {0.1f, 0.5f, 0.2f, 0.9f, 0.5f}, 3));
        assertArrayEquals(new int[] {1, 4}, Scores.topIndices(new float[] {0.1f, 0.5f, 0.2f, 0.0f, 0.5f}, 2));
        assertArrayEquals(new int[] {1, 0}, Scores.topIndices(new float[] {0.1f, 0.5f}, 10));
        float[] random = new float[1000];
        Random r = new Random(3);
        for (int i = 0; i < random.length; i++) {
            random[i] = r.nextFloat();
        }
        int[] top = Scores.topIndices(random, 20);
        for (int i = 1; i < top.length; i++) {
            assertTrue(random[top[i - 1]] >= random[top[i]]);
        }
        float fifth = random[top[19]];
        long larger = 0;
        for (float v : random) {
            larger += v > fifth ? 1 : 0;
        }
        assertEquals(19, larger, "nothing outside the top-20 is larger than its last entry");
    }

    @Test
    void topKNamesImagenetClassesAndOnlyThose() {
        float[] logits = new float[1000];
        logits[281] = 5f;
        logits[285] = 4f;
        ClassScore[] top = Scores.topK(logits, 2);
        assertEquals(new ClassScore(281, "n02123045", "tabby", top[0].probability()), top[0]);
        assertEquals("Egyptian_cat", top[1].label());
        assertTrue(top[0].probability() > top[1].probability());
        ClassScore other = Scores.topK(new float[] {0f, 3f, 1f}, 1)[0];
        assertEquals(1, other.classIndex());
        assertNull(other.wnid());
        assertNull(other.label());
    }

    @Test
    void l2Normalisation() {
        float[] v = Scores.l2Normalized(new float[] {3f, 4f});
        assertArrayEquals(new float[] {0.6f, 0.8f}, v, 1e-7f);
        assertArrayEquals(new float[] {0f, 0f}, Scores.l2Normalized(new float[] {0f, 0f}));
    }
}
