package io.xceptionspark.image;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The resampler's first pass over stored rows read left to right, 16 taps at a time on the Vector API
 * (loaded only when {@link SimdSupport#ENABLED}). Per output pixel: three lane-wise multiply-add chains
 * (R, G, B of the packed pixels times the weights), then three lane sums. The sums are PIL's 32-bit
 * integer sums, which do not depend on the order of the terms, so the bytes equal the scalar loop's.
 */
final class SimdRowPass {
    private static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_512;

    private SimdRowPass() {
    }

    static int preferredLanes() {
        return IntVector.SPECIES_PREFERRED.length();
    }

    /**
     * Like {@code PilResampler.rowsForward}, with weights {@code k} at a stride {@code kstride} that is a
     * multiple of 16 and zero past each output's taps (so the over-read pixels add nothing). An output
     * whose 16-tap blocks would read past the array's end takes the scalar loop.
     */
    static void rowsForward(int[] px, int origin, int yStep, int rowFrom, int rowTo, int[] start, int[] k,
                            int kstride, int[] len, int count, int half, int[] out) {
        int blocks = kstride / SPECIES.length();
        int lastVectorStart = px.length - kstride;
        int o = 0;
        for (int y = rowFrom; y < rowTo; y++) {
            int rowStart = origin + y * yStep;
            for (int i = 0; i < count; i++) {
                int p = rowStart + start[i];
                int kb = i * kstride;
                int s0;
                int s1;
                int s2;
                if (p <= lastVectorStart) {
                    IntVector r = IntVector.zero(SPECIES);
                    IntVector g = r;
                    IntVector b = r;
                    for (int j = 0, off = 0; j < blocks; j++, off += SPECIES.length()) {
                        IntVector v = IntVector.fromArray(SPECIES, px, p + off);
                        IntVector c = IntVector.fromArray(SPECIES, k, kb + off);
                        r = r.add(v.and(0xFF).mul(c));
                        g = g.add(v.lanewise(VectorOperators.LSHR, 8).and(0xFF).mul(c));
                        b = b.add(v.lanewise(VectorOperators.LSHR, 16).and(0xFF).mul(c));
                    }
                    s0 = half + r.reduceLanes(VectorOperators.ADD);
                    s1 = half + g.reduceLanes(VectorOperators.ADD);
                    s2 = half + b.reduceLanes(VectorOperators.ADD);
                } else {
                    s0 = half;
                    s1 = half;
                    s2 = half;
                    for (int t = 0, n = len[i]; t < n; t++) {
                        int v = px[p + t];
                        int c = k[kb + t];
                        s0 += (v & 0xFF) * c;
                        s1 += (v >> 8 & 0xFF) * c;
                        s2 += (v >> 16 & 0xFF) * c;
                    }
                }
                out[o++] = PilResampler.clip8(s0) | PilResampler.clip8(s1) << 8 | PilResampler.clip8(s2) << 16;
            }
        }
    }
}
