package io.xceptionspark.search;

/**
 * Bucketed-random-projection LSH settings for near-duplicates at cosine similarity >= t on unit vectors, and
 * the rule that derives them from the threshold and the data.
 *
 * <p>On unit vectors, cosine >= t is Euclidean distance <= d_t = sqrt(2 - 2t). One BRP hash is
 * floor(x.r / w) for a random unit direction r: two vectors at distance d differ along r by ~N(0, d^2 / D) in
 * D dimensions, so they share a bucket with probability f(d) = E[max(0, 1 - |d Z / sqrt(D)| / w)]. Spark's
 * {@code approxSimilarityJoin} ORs single hashes, and in 2048 dimensions f(d_t) and f(d) of a random pair are
 * too close (random images are only ~3x farther apart than near-duplicates) for any w: the candidates are a
 * large share of all pairs. So each of the {@code bands} bands ANDs {@code hashesPerBand} BRP hashes
 * (amplification), and a pair is a candidate when any band matches:
 * recall at d = 1 - (1 - f(d)^K)^L.
 *
 * <p>The rule ({@link #derive}): for bucket lengths w of 1 to 8 x sqrt((2 - 2t) / D) and every K from 1 to 32,
 * take the least L whose recall at the threshold (the hardest pair) is >= {@code targetRecall}; estimate the
 * candidates from the distances of a random sample of the index's pairs, n^2/2 x mean over the sample of
 * 1 - (1 - f(d)^K)^L; and keep the (w, K, L) of least cost = hashing (n K L projections) + verification
 * (each candidate costs {@code CANDIDATE_COST} projections: it is de-duplicated, looked up and compared).
 */
public record LshParameters(double bucketLength, int hashesPerBand, int bands, int dimension) {
    /**
     * One candidate pair in projections: its de-duplication (a shuffle of two longs), two lookups in the
     * broadcast unit vectors and one inner product of the width of a projection.
     */
    static final double CANDIDATE_COST = 4;
    static final int MAX_HASHES = 1024;

    public int hashes() {
        return hashesPerBand * bands;
    }

    /** The probability that a pair at cosine similarity >= t becomes a candidate (a lower bound). */
    public double recallAtSimilarity(double t) {
        return recallAt(Math.sqrt(Math.max(0, 2 - 2 * t)));
    }

    /** The probability that a pair at Euclidean distance d becomes a candidate. */
    public double recallAt(double distance) {
        double band = Math.pow(bucketShare(distance, dimension, bucketLength), hashesPerBand);
        return 1 - Math.pow(1 - band, bands);
    }

    /**
     * @param sampleDistances Euclidean distances of random pairs of the index's unit vectors
     * @param rows the index's size n
     */
    public static LshParameters derive(double threshold, int dimension, long rows, double[] sampleDistances,
                                       double targetRecall) {
        double dt = Math.sqrt(Math.max(0, 2 - 2 * threshold));
        double unit = Math.max(dt, 1e-3) / Math.sqrt(dimension);
        double pairs = rows * (rows - 1) / 2.0;
        LshParameters best = null;
        double bestCost = Double.POSITIVE_INFINITY;
        for (double multiple : new double[] {1, 1.5, 2, 3, 4, 6, 8}) {
            double w = multiple * unit;
            double pt = bucketShare(dt, dimension, w);
            double[] share = new double[sampleDistances.length];
            for (int i = 0; i < share.length; i++) {
                share[i] = bucketShare(sampleDistances[i], dimension, w);
            }
            for (int k = 1; k <= 32; k++) {
                double band = Math.pow(pt, k);
                int l = band >= 1 ? 1 : (int) Math.ceil(Math.log(1 - targetRecall) / Math.log1p(-band));
                if ((long) k * l > MAX_HASHES) {
                    continue;
                }
                double candidates = 0;
                for (double s : share) {
                    candidates += 1 - Math.pow(1 - Math.pow(s, k), l);
                }
                candidates = share.length == 0 ? pairs : pairs * candidates / share.length;
                double cost = (double) rows * k * l + CANDIDATE_COST * candidates;
                if (cost < bestCost) {
                    bestCost = cost;
                    best = new LshParameters(w, k, l, dimension);
                }
            }
        }
        return best;
    }

    /** f(d): the chance that one hash puts two vectors at distance d in one bucket of length w. */
    static double bucketShare(double distance, int dimension, double w) {
        double sigma = distance / Math.sqrt(dimension);
        if (sigma <= 0) {
            return 1;
        }
        double a = w / sigma;
        // E[max(0, 1 - |Z| / a)] = 2 [(Phi(a) - 1/2) - (phi(0) - phi(a)) / a]
        return Math.max(0, 2 * ((phi(a) - 0.5) - (density(0) - density(a)) / a));
    }

    private static double density(double z) {
        return Math.exp(-z * z / 2) / Math.sqrt(2 * Math.PI);
    }

    /** Standard normal CDF (Abramowitz and Stegun 7.1.26, error < 1.5e-7). */
    private static double phi(double z) {
        double x = Math.abs(z) / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429)))) * Math.exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
