package io.xceptionspark.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void keepsTheKMostSimilarWhateverTheOrderAndSplit() {
        Random r = new Random(11);
        List<String> paths = new ArrayList<>();
        List<Float> sims = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            paths.add("p" + i);
            sims.add((float) Math.round(r.nextGaussian() * 100) / 100); // many ties
        }
        int k = 25;
        // two partial heaps merged, as the partial and final aggregations do
        TopK a = new TopK(k);
        TopK b = new TopK(k);
        for (int i = 0; i < paths.size(); i++) {
            (i % 3 == 0 ? a : b).offer(paths.get(i), sims.get(i));
        }
        a.merge(b);
        TopK top = a.trimmed();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < paths.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.<Integer>comparingDouble(i -> -sims.get(i)).thenComparing(paths::get));
        String[] expected = order.subList(0, k).stream().map(paths::get).sorted().toArray(String[]::new);
        String[] got = top.getPaths().clone();
        Arrays.sort(got);
        assertEquals(k, top.getSize());
        assertArrayEquals(expected, got);
    }

    @Test
    void fewerEntriesThanKAreAllKept() {
        TopK top = new TopK(10);
        top.offer("a", 0.5f);
        top.offer("b", 0.9f);
        assertEquals(2, top.trimmed().getPaths().length);
    }
}
