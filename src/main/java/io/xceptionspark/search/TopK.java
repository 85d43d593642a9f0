package io.xceptionspark.search;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The k most similar (path, similarity) entries seen so far: a min-heap on similarity (ties: the greater path
 * is the lesser entry, so the result is deterministic). A bean, so that Spark encodes it as the buffer of
 * {@link TopKAggregator} between the partial and the final aggregation.
 */
public final class TopK implements Serializable {
    private int k;
    private int size;
    private float[] similarities = new float[0];
    private String[] paths = new String[0];

    public TopK() {}

    TopK(int k) {
        this.k = k;
        this.similarities = new float[Math.min(k, 16)];
        this.paths = new String[similarities.length];
    }

    /** Keeps the entry when it is among the k best. */
    void offer(String path, float similarity) {
        if (size < k) {
            if (size == similarities.length) {
                int grown = Math.min(k, Math.max(16, size * 2));
                similarities = Arrays.copyOf(similarities, grown);
                paths = Arrays.copyOf(paths, grown);
            }
            similarities[size] = similarity;
            paths[size] = path;
            up(size++);
        } else if (less(similarities[0], paths[0], similarity, path)) {
            similarities[0] = similarity;
            paths[0] = path;
            down(0);
        }
    }

    void merge(TopK other) {
        for (int i = 0; i < other.size; i++) {
            offer(other.paths[i], other.similarities[i]);
        }
    }

    /** The live entries only (the heap's arrays may have spare slots). */
    TopK trimmed() {
        TopK t = new TopK();
        t.k = k;
        t.size = size;
        t.similarities = Arrays.copyOf(similarities, size);
        t.paths = Arrays.copyOf(paths, size);
        return t;
    }

    /** Entry a is a worse match than entry b. */
    private static boolean less(float sa, String pa, float sb, String pb) {
        return sa < sb || (sa == sb && pa.compareTo(pb) > 0);
    }

    private boolean less(int i, int j) {
        return less(similarities[i], paths[i], similarities[j], paths[j]);
    }

    private void up(int i) {
        while (i > 0) {
            int parent = (i - 1) / 2;
            if (!less(i, parent)) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void down(int i) {
        while (true) {
            int least = i;
            for (int c = 2 * i + 1; c <= 2 * i + 2 && c < size; c++) {
                if (less(c, least)) {
                    least = c;
                }
            }
            if (least == i) {
                return;
            }
            swap(i, least);
            i = least;
        }
    }

    private void swap(int i, int j) {
        float s = similarities[i];
        similarities[i] = similarities[j];
        similarities[j] = s;
        String p = paths[i];
        paths[i] = paths[j];
        paths[j] = p;
    }

    // bean accessors, for Spark's encoder only (the arrays hold `size` live entries)
    public int getK() {
        return k;
    }

    public void setK(int k) {
        this.k = k;
    }

    public int getSize() {
        return size;
    }

    public void setSize(int size) {
        this.size = size;
    }

    public float[] getSimilarities() {
        return similarities;
    }

    public void setSimilarities(float[] similarities) {
        this.similarities = similarities;
    }

    public String[] getPaths() {
        return paths;
    }

    public void setPaths(String[] paths) {
        this.paths = paths;
    }
}
