package io.xceptionspark.scoring;

import java.util.Arrays;

/** Post-processing of one image's network outputs: softmax, top-k, L2 normalisation. */
public final class Scores {
    private Scores() {}

    /** Numerically stable softmax (max subtracted, accumulated in double). */
    public static float[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] exp = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            exp[i] = Math.exp(logits[i] - max);
            sum += exp[i];
        }
        float[] p = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = (float) (exp[i] / sum);
        }
        return p;
    }

    /** Indices of the k largest values, largest first; ties keep the lower index first. */
    public static int[] topIndices(float[] values, int k) {
        int n = Math.min(k, values.length);
        int[] top = new int[n];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (size == n && !(v > values[top[n - 1]])) {
                continue;
            }
            int pos = size < n ? size++ : n - 1;
            while (pos > 0 && v > values[top[pos - 1]]) {
                top[pos] = top[pos - 1];
                pos--;
            }
            top[pos] = i;
        }
        return top;
    }

    /** The top-k classes with their softmax probabilities; ImageNet names when there are 1000 classes. */
    public static ClassScore[] topK(float[] logits, int k) {
        float[] p = softmax(logits);
        int[] top = topIndices(p, k);
        ImagenetLabels names = logits.length == ImagenetLabels.SIZE ? ImagenetLabels.get() : null;
        ClassScore[] out = new ClassScore[top.length];
        for (int i = 0; i < top.length; i++) {
            int c = top[i];
            out[i] = new ClassScore(c, names == null ? null : names.wnid(c), names == null ? null : names.label(c), p[c]);
        }
        return out;
    }

    /** A copy scaled to unit L2 norm (an all-zero vector stays zero). */
    public static float[] l2Normalized(float[] v) {
        double sq = 0;
        for (float x : v) {
            sq += (double) x * x;
        }
        if (sq == 0) {
            return v.clone();
        }
        double inv = 1.0 / Math.sqrt(sq);
        float[] out = Arrays.copyOf(v, v.length);
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (out[i] * inv);
        }
        return out;
    }

    /** Cosine similarity of two vectors of one length (NaN when either is all zeros). */
    public static float cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return (float) (dot / Math.sqrt(na * nb));
    }
}
