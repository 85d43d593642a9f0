package io.xceptionspark.search;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The queries of one search pass, as the executors get them (a broadcast): their names and their embeddings
 * scaled to unit length, row after row in one array, so that an index block times its transpose is the block's
 * cosine similarities. Queries whose embedding has no direction (all zeros, or not finite) are left out: their
 * cosine is undefined, and they get no neighbours.
 */
public final class QueryVectors implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] names;
    private final float[] unit;
    private final int dim;

    private QueryVectors(String[] names, float[] unit, int dim) {
        this.names = names;
        this.unit = unit;
        this.dim = dim;
    }

    /** From (name, embedding) pairs of one dimension; the embedding of each is copied and normalised. */
    static QueryVectors of(List<String> names, List<float[]> embeddings) {
        int dim = embeddings.isEmpty() ? 0 : embeddings.get(0).length;
        List<String> kept = new ArrayList<>();
        float[] unit = new float[names.size() * dim];
        for (int q = 0; q < names.size(); q++) {
            float[] e = embeddings.get(q);
            if (e.length != dim) {
                throw new IllegalArgumentException("query " + names.get(q) + " has " + e.length + " dimensions, not "
                        + dim);
            }
            if (Unit.normalise(e, 0, unit, kept.size() * dim, dim)) {
                kept.add(names.get(q));
            }
        }
        return new QueryVectors(kept.toArray(String[]::new), java.util.Arrays.copyOf(unit, kept.size() * dim), dim);
    }

    int size() {
        return names.length;
    }

    int dim() {
        return dim;
    }

    String name(int q) {
        return names[q];
    }

    /** [size x dim], row-major. */
    float[] unitVectors() {
        return unit;
    }

    /** Scaling a vector to unit length, in double precision (one definition for queries and index rows). */
    static final class Unit {
        private Unit() {}

        /**
         * Writes {@code from[offset..offset+dim)} scaled to unit length into {@code to[at..at+dim)}.
         *
         * @return false (nothing written) when the vector has no direction: zero or non-finite length
         */
        static boolean normalise(float[] from, int offset, float[] to, int at, int dim) {
            double sum = 0;
            for (int i = 0; i < dim; i++) {
                double v = from[offset + i];
                sum += v * v;
            }
            double length = Math.sqrt(sum);
            if (!(length > 0) || Double.isInfinite(length)) {
                return false;
            }
            for (int i = 0; i < dim; i++) {
                to[at + i] = (float) (from[offset + i] / length);
            }
            return true;
        }
    }
}
