package io.xceptionspark.image;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The resampler's two passes on the Vector API (loaded only when {@link SimdSupport#ENABLED}). The sums
 * are PIL's 32-bit integer sums, which do not depend on the order of the terms, so the bytes equal the
 * scalar loops'.
 * <ul>
 *   <li>first pass over stored rows (orientations 1-4; right to left with the weights mirrored): 16 taps
 *       of one output pixel at a time, three lane-wise multiply-add chains (R, G, B of the packed pixels
 *       times the weights), three lane sums;</li>
 *   <li>first pass over stored columns (orientations 5-8): 16 upright rows of one output column at a time;</li>
 *   <li>second pass: 16 neighbouring output pixels at a time, their sums kept in registers over the taps.</li>
 * </ul>
 */
final class SimdPasses {
    /** The first pass over stored rows: 16 taps at a time (used only where that is the CPU's width). */
    private static final VectorSpecies<Integer> SPECIES = IntVector.SPECIES_512;
    /** The other passes: the CPU's own width (16 lanes with AVX-512, 8 with AVX2). */
    private static final VectorSpecies<Integer> WIDE = IntVector.SPECIES_PREFERRED;

    private SimdPasses() {
    }

    static int preferredLanes() {
        return IntVector.SPECIES_PREFERRED.length();
    }

    /**
     * Like {@code PilResampler.rowsForward} (stored rows read forward from {@code start}), with weights {@code k} at a stride {@code kstride} that is a
     * multiple of 16 and zero past each output's taps (so the over-read pixels add nothing). An output
     * whose 16-tap blocks would read past the array's end takes the scalar loop.
     */
    static void horizontalPass(int[] px, int origin, int yStep, int rowFrom, int rowTo, int[] start, int[] k,
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
                if (p >= 0 && p <= lastVectorStart) {
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

    /**
     * The first pass over a picture stored transposed (EXIF orientations 5-8, e.g. a portrait phone photo,
     * orientation 6): an upright row is a stored column ({@code yStep} is 1 or -1), so 16 neighbouring
     * upright rows of one output column are 16 neighbouring stored pixels. Sums in registers over the taps
     * ({@code xStep} apart), output column by output column so that the stored rows under its taps stay in
     * cache; the rows that do not fill 16 lanes take the scalar loop.
     */
    static void horizontalPassTransposed(int[] px, int origin, int xStep, int yStep, int rowFrom, int rowTo,
                                         int[] start, int[] k, int ksize, int[] len, int count, int half,
                                         int[] out) {
        int lanes = WIDE.length();
        int[] packed = new int[lanes];
        for (int i = 0; i < count; i++) {
            int base = origin + start[i];
            int kb = i * ksize;
            int n = len[i];
            int y = rowFrom;
            for (; y + lanes <= rowTo; y += lanes) {
                int low = yStep == 1 ? base + y : base - (y + lanes - 1); // lowest index of the 16
                IntVector r = IntVector.broadcast(WIDE, half);
                IntVector g = r;
                IntVector b = r;
                for (int t = 0, p = low; t < n; t++, p += xStep) {
                    IntVector v = IntVector.fromArray(WIDE, px, p);
                    int c = k[kb + t];
                    r = r.add(v.and(0xFF).mul(c));
                    g = g.add(v.lanewise(VectorOperators.LSHR, 8).and(0xFF).mul(c));
                    b = b.add(v.lanewise(VectorOperators.LSHR, 16).and(0xFF).mul(c));
                }
                clip8(r).or(clip8(g).lanewise(VectorOperators.LSHL, 8)).or(clip8(b).lanewise(VectorOperators.LSHL, 16))
                        .intoArray(packed, 0);
                for (int j = 0; j < lanes; j++) {
                    int row = yStep == 1 ? y + j : y + lanes - 1 - j;
                    out[(row - rowFrom) * count + i] = packed[j];
                }
            }
            for (; y < rowTo; y++) {
                int s0 = half;
                int s1 = half;
                int s2 = half;
                for (int t = 0, p = base + y * yStep; t < n; t++, p += xStep) {
                    int v = px[p];
                    int c = k[kb + t];
                    s0 += (v & 0xFF) * c;
                    s1 += (v >> 8 & 0xFF) * c;
                    s2 += (v >> 16 & 0xFF) * c;
                }
                out[(y - rowFrom) * count + i] = PilResampler.clip8(s0) | PilResampler.clip8(s1) << 8
                        | PilResampler.clip8(s2) << 16;
            }
        }
    }

    /**
     * Like {@code PilResampler.verticalPass}: output row {@code yy} sums rows {@code min[yy] - rowBase ...} of
     * {@code in} (packed, {@code width} per row) times its weights; interleaved RGB bytes out.
     */
    static byte[] verticalPass(int[] in, int width, int rowBase, int[] min, int[] len, int[] k, int ksize,
                               int count, int half) {
        byte[] out = new byte[3 * width * count];
        int[] packed = new int[width];
        int vectorEnd = WIDE.loopBound(width);
        for (int yy = 0, o = 0; yy < count; yy++) {
            int first = (min[yy] - rowBase) * width;
            int kb = yy * ksize;
            int n = len[yy];
            int x = 0;
            for (; x < vectorEnd; x += WIDE.length()) {
                IntVector r = IntVector.broadcast(WIDE, half);
                IntVector g = r;
                IntVector b = r;
                for (int t = 0, p = first + x; t < n; t++, p += width) {
                    IntVector v = IntVector.fromArray(WIDE, in, p);
                    int c = k[kb + t];
                    r = r.add(v.and(0xFF).mul(c));
                    g = g.add(v.lanewise(VectorOperators.LSHR, 8).and(0xFF).mul(c));
                    b = b.add(v.lanewise(VectorOperators.LSHR, 16).and(0xFF).mul(c));
                }
                clip8(r).or(clip8(g).lanewise(VectorOperators.LSHL, 8)).or(clip8(b).lanewise(VectorOperators.LSHL, 16))
                        .intoArray(packed, x);
            }
            for (; x < width; x++) {
                int s0 = half;
                int s1 = half;
                int s2 = half;
                for (int t = 0, p = first + x; t < n; t++, p += width) {
                    int v = in[p];
                    int c = k[kb + t];
                    s0 += (v & 0xFF) * c;
                    s1 += (v >> 8 & 0xFF) * c;
                    s2 += (v >> 16 & 0xFF) * c;
                }
                packed[x] = PilResampler.clip8(s0) | PilResampler.clip8(s1) << 8 | PilResampler.clip8(s2) << 16;
            }
            for (int i = 0; i < width; i++) {
                int v = packed[i];
                out[o++] = (byte) v;
                out[o++] = (byte) (v >> 8);
                out[o++] = (byte) (v >> 16);
            }
        }
        return out;
    }

    /** PIL's clip8 lane-wise: {@code sum >> 22} clamped to 0..255 is the same function. */
    private static IntVector clip8(IntVector sum) {
        return sum.lanewise(VectorOperators.ASHR, PilResampler.PRECISION_BITS).max(0).min(255);
    }
}
