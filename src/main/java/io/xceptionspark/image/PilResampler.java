package io.xceptionspark.image;

/**
 * Resizes 8-bit RGB exactly as Pillow's {@code Image.resize} (libImaging {@code Resample.c} and,
 * for NEAREST, {@code Geometry.c}) does for mode "RGB", so that our inputs equal the reference
 * pipelines' bit for bit, not just approximately.
 *
 * <p>What makes PIL differ from a textbook (or AWT) resize, and is reproduced here:
 * <ul>
 *   <li>The filter is evaluated at {@code (x + xmin - center + 0.5) / filterscale} with the kernel
 *       support widened by the downscale factor, so shrinking antialiases (every source pixel
 *       contributes) instead of skipping pixels;</li>
 *   <li>bicubic uses a = -0.5, bilinear the triangle; weights are normalised to sum 1, then
 *       quantised to 22-bit fixed point, rounding away from zero;</li>
 *   <li>two separable passes, horizontal first, each rounded and clipped to 8 bits; a pass is
 *       skipped when that dimension does not change;</li>
 *   <li>NEAREST takes source pixel {@code floor(scale * (x + 0.5))}, with the position
 *       accumulated step by step in double precision like Pillow.</li>
 * </ul>
 *
 * <p>How it is fast without changing a bit: the passes compute only the crop window of the resized
 * image and only the source rows it reads (every output pixel depends only on its own coordinates);
 * the source is a {@link PackedRgb} (one int load per source pixel for all three channels) read in
 * its stored orientation through strides, so an EXIF-rotated photo is never copied upright; all
 * arithmetic is PIL's 32-bit integer fixed point, whose sums do not depend on the order of the terms.
 * A transposed orientation runs the first pass with the tap loop outermost-but-one, so that the 30-odd
 * stored rows a column of outputs reads stay in cache. Where {@link SimdSupport} allows (AVX-512, C2,
 * the incubator module) both passes run on the Vector API ({@link SimdPasses}), with the same sums.
 */
public final class PilResampler {
    static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private PilResampler() {
    }

    /** Whether the passes run on the Vector API, and why not (for benchmarks and logs). */
    public static String vectorPass() {
        return SimdSupport.status();
    }

    /** {@code image.resize((outW, outH), filter)} in PIL. */
    public static RgbImage resize(RgbImage src, int outW, int outH, Interpolation filter) {
        return resizeCropped(src, outW, outH, filter, 0, 0, outW, outH);
    }

    /**
     * {@code image.resize((outW, outH), filter).crop((cropX, cropY, cropX + cropW, cropY + cropH))}
     * in PIL, for a crop window inside the resized image.
     */
    public static RgbImage resizeCropped(RgbImage src, int outW, int outH, Interpolation filter,
                                         int cropX, int cropY, int cropW, int cropH) {
        return resizeCropped(PackedRgb.of(src), outW, outH, filter, cropX, cropY, cropW, cropH);
    }

    /**
     * The same for a packed picture, resized as it appears upright ({@link PackedRgb#uprightWidth()}
     * x {@link PackedRgb#uprightHeight()}).
     */
    public static RgbImage resizeCropped(PackedRgb src, int outW, int outH, Interpolation filter,
                                         int cropX, int cropY, int cropW, int cropH) {
        if (outW < 1 || outH < 1 || cropW < 1 || cropH < 1 || cropX < 0 || cropY < 0
                || cropX + cropW > outW || cropY + cropH > outH) {
            throw new IllegalArgumentException("crop window " + cropW + "x" + cropH + "+" + cropX + "+" + cropY
                    + " outside " + outW + "x" + outH);
        }
        int srcW = src.uprightWidth();
        int srcH = src.uprightHeight();
        if (filter == Interpolation.NEAREST && (outW != srcW || outH != srcH)) {
            return nearest(src, outW, outH, cropX, cropY, cropW, cropH);
        }
        Kernel kernel = filter == Interpolation.BICUBIC ? Kernel.BICUBIC : Kernel.BILINEAR;
        Weights vertical = outH != srcH ? Weights.compute(srcH, outH, kernel, cropY, cropH) : null;
        int rowFrom = vertical != null ? vertical.firstSource() : cropY;
        int rowTo = vertical != null ? vertical.endSource() : cropY + cropH;
        // first pass: the crop's columns of source rows [rowFrom, rowTo), packed (PIL copies a pass it skips)
        boolean simd = Math.abs(src.xStep()) == 1 ? SimdSupport.ROWS : SimdSupport.ENABLED;
        int[] rows = outW != srcW
                ? horizontalPass(src, rowFrom, rowTo, Weights.compute(srcW, outW, kernel, cropX, cropW,
                        simd ? SimdSupport.LANES : 1), simd)
                : copyColumns(src, rowFrom, rowTo, cropX, cropW);
        byte[] out = vertical == null ? unpack(rows)
                : SimdSupport.ENABLED ? SimdPasses.verticalPass(rows, cropW, rowFrom, vertical.min, vertical.len,
                        vertical.k, vertical.ksize, vertical.count, HALF)
                : verticalPass(rows, cropW, rowFrom, vertical);
        return new RgbImage(cropW, cropH, out);
    }

    /** Copies a window of an image (PIL {@code crop}). */
    public static RgbImage crop(RgbImage src, int x, int y, int w, int h) {
        if (x == 0 && y == 0 && w == src.width() && h == src.height()) {
            return new RgbImage(w, h, src.pixels().clone());
        }
        byte[] out = new byte[3 * w * h];
        for (int row = 0; row < h; row++) {
            System.arraycopy(src.pixels(), 3 * ((y + row) * src.width() + x), out, 3 * row * w, 3 * w);
        }
        return new RgbImage(w, h, out);
    }

    /**
     * PIL's horizontal pass over upright rows [rowFrom, rowTo) for the outputs of {@code wx}, packed.
     * Hot loop of a large photo: one int load per tap, three multiply-adds ({@code simd}: on the Vector
     * API, {@link SimdPasses}; {@code wx} then has a stride that is a multiple of 16).
     */
    static int[] horizontalPass(PackedRgb src, int rowFrom, int rowTo, Weights wx, boolean simd) {
        int count = wx.count;
        int[] out = new int[count * (rowTo - rowFrom)];
        int[] px = src.pixels();
        int xStep = src.xStep();
        int yStep = src.yStep();
        int origin = src.origin();
        int[] k = wx.k;
        int ksize = wx.ksize;
        int[] start = new int[count]; // index offset of each output's first tap within a row
        for (int i = 0; i < count; i++) {
            start[i] = wx.min[i] * xStep;
        }
        if (simd && xStep == 1) {
            SimdPasses.horizontalPass(px, origin, yStep, rowFrom, rowTo, start, k, ksize, wx.len, count, HALF, out);
        } else if (simd && xStep == -1) {
            // taps run right to left in memory: the same forward pass from each window's lowest address,
            // with the weights mirrored
            Weights mirrored = wx.mirrored();
            for (int i = 0; i < count; i++) {
                start[i] = -(wx.min[i] + wx.len[i] - 1);
            }
            SimdPasses.horizontalPass(px, origin, yStep, rowFrom, rowTo, start, mirrored.k, ksize, wx.len, count,
                    HALF, out);
        } else if (simd) {
            SimdPasses.horizontalPassTransposed(px, origin, xStep, yStep, rowFrom, rowTo, start, k, ksize, wx.len,
                    count, HALF, out);
        } else if (xStep == 1) {
            // rows are stored rows, taps contiguous and forward: the common case, kept free of a variable stride
            // (the JIT then drops the bounds checks and unrolls)
            rowsForward(px, origin, yStep, rowFrom, rowTo, start, wx, out);
        } else if (xStep == -1) {
            for (int y = rowFrom, o = 0; y < rowTo; y++) {
                int rowStart = origin + y * yStep;
                for (int i = 0; i < count; i++) {
                    out[o++] = dot(px, rowStart + start[i], xStep, k, i * ksize, wx.len[i]);
                }
            }
        } else {
            // upright rows are stored columns: output column by output column, so that the stored rows
            // under its taps are reused from cache by every upright row
            for (int i = 0; i < count; i++) {
                int base = origin + start[i];
                int kb = i * ksize;
                int n = wx.len[i];
                for (int y = rowFrom, o = i; y < rowTo; y++, o += count) {
                    out[o] = dot(px, base + y * yStep, xStep, k, kb, n);
                }
            }
        }
        return out;
    }

    /**
     * The first pass over stored rows read left to right (orientations 1 and 4): the hot loop of a large
     * photo, in a method of its own with the taps indexed from a fixed start, so that the JIT compiles it
     * on its own and drops the bounds checks (twice as fast as the general loop).
     */
    private static void rowsForward(int[] px, int origin, int yStep, int rowFrom, int rowTo, int[] start,
                                    Weights wx, int[] out) {
        int[] k = wx.k;
        int[] len = wx.len;
        int ksize = wx.ksize;
        int count = wx.count;
        int o = 0;
        for (int y = rowFrom; y < rowTo; y++) {
            int rowStart = origin + y * yStep;
            for (int i = 0; i < count; i++) {
                int p = rowStart + start[i];
                int kb = i * ksize;
                int n = len[i];
                int s0 = HALF;
                int s1 = HALF;
                int s2 = HALF;
                for (int t = 0; t < n; t++) {
                    int v = px[p + t];
                    int c = k[kb + t];
                    s0 += (v & 0xFF) * c;
                    s1 += (v >> 8 & 0xFF) * c;
                    s2 += (v >> 16 & 0xFF) * c;
                }
                out[o++] = clip8(s0) | clip8(s1) << 8 | clip8(s2) << 16;
            }
        }
    }

    /** One output pixel of a pass: {@code n} taps from {@code p} by {@code step}, rounded and clipped, packed. */
    private static int dot(int[] px, int p, int step, int[] k, int kb, int n) {
        int s0 = HALF;
        int s1 = HALF;
        int s2 = HALF;
        for (int t = 0; t < n; t++, p += step) {
            int v = px[p];
            int c = k[kb + t];
            s0 += (v & 0xFF) * c;
            s1 += (v >> 8 & 0xFF) * c;
            s2 += (v >> 16 & 0xFF) * c;
        }
        return clip8(s0) | clip8(s1) << 8 | clip8(s2) << 16;
    }

    /** The first pass PIL skips when the width does not change: the window's columns of those rows. */
    private static int[] copyColumns(PackedRgb src, int rowFrom, int rowTo, int x0, int w) {
        int[] out = new int[w * (rowTo - rowFrom)];
        int[] px = src.pixels();
        int xStep = src.xStep();
        for (int y = rowFrom, o = 0; y < rowTo; y++) {
            for (int x = 0, p = src.origin() + y * src.yStep() + x0 * xStep; x < w; x++, p += xStep) {
                out[o++] = px[p];
            }
        }
        return out;
    }

    /**
     * PIL's vertical pass over the packed rows of the first pass (row {@code rowBase} first), as
     * interleaved bytes. Weighted sums of whole rows: inner loops over contiguous arrays.
     */
    static byte[] verticalPass(int[] in, int width, int rowBase, Weights wy) {
        byte[] out = new byte[3 * width * wy.count];
        int[] r = new int[width];
        int[] g = new int[width];
        int[] b = new int[width];
        for (int yy = 0, o = 0; yy < wy.count; yy++) {
            java.util.Arrays.fill(r, HALF);
            java.util.Arrays.fill(g, HALF);
            java.util.Arrays.fill(b, HALF);
            int first = wy.min[yy] - rowBase;
            int kb = yy * wy.ksize;
            for (int t = 0; t < wy.len[yy]; t++) {
                int c = wy.k[kb + t];
                int p = (first + t) * width;
                for (int x = 0; x < width; x++) {
                    int v = in[p + x];
                    r[x] += (v & 0xFF) * c;
                    g[x] += (v >> 8 & 0xFF) * c;
                    b[x] += (v >> 16 & 0xFF) * c;
                }
            }
            for (int x = 0; x < width; x++) {
                out[o++] = (byte) clip8(r[x]);
                out[o++] = (byte) clip8(g[x]);
                out[o++] = (byte) clip8(b[x]);
            }
        }
        return out;
    }

    private static byte[] unpack(int[] packed) {
        byte[] out = new byte[3 * packed.length];
        for (int i = 0, o = 0; i < packed.length; i++) {
            int v = packed[i];
            out[o++] = (byte) v;
            out[o++] = (byte) (v >> 8);
            out[o++] = (byte) (v >> 16);
        }
        return out;
    }

    /** A fixed-point sum to 0..255: PIL's clip8. */
    static int clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (v <= 0) {
            return 0;
        }
        return v >> PRECISION_BITS;
    }

    private static RgbImage nearest(PackedRgb src, int outW, int outH, int cropX, int cropY, int cropW, int cropH) {
        int[] xs = nearestIndices(src.uprightWidth(), outW);
        int[] ys = nearestIndices(src.uprightHeight(), outH);
        int[] in = src.pixels();
        byte[] out = new byte[3 * cropW * cropH];
        int o = 0;
        for (int y = cropY; y < cropY + cropH; y++) {
            int sy = ys[y];
            for (int x = cropX; x < cropX + cropW; x++) {
                int sx = xs[x];
                if (sx < 0 || sy < 0) {
                    o += 3; // outside the source: PIL leaves the (zero) fill
                    continue;
                }
                int v = in[src.origin() + sx * src.xStep() + sy * src.yStep()];
                out[o++] = (byte) v;
                out[o++] = (byte) (v >> 8);
                out[o++] = (byte) (v >> 16);
            }
        }
        return new RgbImage(cropW, cropH, out);
    }

    /** Pillow's ImagingScaleAffine: position accumulated in double, truncated toward zero. */
    private static int[] nearestIndices(int inSize, int outSize) {
        double step = (double) inSize / outSize;
        double pos = step * 0.5;
        int[] index = new int[outSize];
        for (int i = 0; i < outSize; i++) {
            int v = pos < 0.0 ? -1 : (int) pos;
            index[i] = v < inSize ? v : -1;
            pos += step;
        }
        return index;
    }

    /** The convolution kernels, as in Resample.c. */
    enum Kernel {
        BILINEAR(1.0) {
            @Override
            double at(double x) {
                x = Math.abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            }
        },
        BICUBIC(2.0) {
            @Override
            double at(double x) {
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                }
                if (x < 2.0) {
                    return (((x - 5) * x + 8) * x - 4) * a;
                }
                return 0.0;
            }
        };

        final double support;

        Kernel(double support) {
            this.support = support;
        }

        abstract double at(double x);
    }

    /**
     * Fixed-point weights for output positions {@code [from, from + count)} of a 1-D resize from
     * {@code inSize} to {@code outSize} (Resample.c {@code precompute_coeffs} +
     * {@code normalize_coeffs_8bpc}).
     */
    static final class Weights {
        final int count;
        final int ksize;
        final int[] min;
        final int[] len;
        final int[] k;

        private Weights(int count, int ksize) {
            this.count = count;
            this.ksize = ksize;
            this.min = new int[count];
            this.len = new int[count];
            this.k = new int[count * ksize];
        }

        static Weights compute(int inSize, int outSize, Kernel kernel, int from, int count) {
            return compute(inSize, outSize, kernel, from, count, 1);
        }

        /** The same, with each output's weights {@code ksize} apart, a multiple of {@code strideMultiple}. */
        static Weights compute(int inSize, int outSize, Kernel kernel, int from, int count, int strideMultiple) {
            double scale = (double) inSize / outSize;
            double filterscale = Math.max(scale, 1.0);
            double support = kernel.support * filterscale;
            int taps = (int) Math.ceil(support) * 2 + 1;
            int ksize = (taps + strideMultiple - 1) / strideMultiple * strideMultiple; // zeros past the taps
            Weights w = new Weights(count, ksize);
            double[] tmp = new double[taps];
            double ss = 1.0 / filterscale;
            for (int i = 0; i < count; i++) {
                int xx = from + i;
                double center = (xx + 0.5) * scale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double v = kernel.at((x + xmin - center + 0.5) * ss);
                    tmp[x] = v;
                    ww += v;
                }
                for (int x = 0; x < xmax; x++) {
                    double v = ww != 0.0 ? tmp[x] / ww : tmp[x];
                    w.k[i * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                            : (int) (0.5 + v * (1 << PRECISION_BITS));
                }
                w.min[i] = xmin;
                w.len[i] = Math.max(xmax, 0);
            }
            return w;
        }

        /** The same weights, each output's taps in reverse order (still from the start of its stride). */
        Weights mirrored() {
            Weights m = new Weights(count, ksize);
            for (int i = 0; i < count; i++) {
                m.min[i] = min[i];
                m.len[i] = len[i];
                for (int t = 0; t < len[i]; t++) {
                    m.k[i * ksize + t] = k[i * ksize + len[i] - 1 - t];
                }
            }
            return m;
        }

        /** First source index any of these outputs reads. */
        int firstSource() {
            int first = Integer.MAX_VALUE;
            for (int i = 0; i < count; i++) {
                first = Math.min(first, min[i]);
            }
            return first;
        }

        /** One past the last source index any of these outputs reads. */
        int endSource() {
            int end = 0;
            for (int i = 0; i < count; i++) {
                end = Math.max(end, min[i] + len[i]);
            }
            return end;
        }
    }
}
