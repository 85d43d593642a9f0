package io.xceptionspark.image;

/**
 * The product's resampler before issue 25 (a straightforward transcription of Pillow's Resample.c on
 * interleaved bytes: horizontal pass, then vertical, 22-bit fixed point), kept as the test oracle that
 * the faster {@link PilResampler} must equal byte for byte. It matched PIL on the preprocess-crop
 * fixtures (mean |diff| 0).
 */
final class ReferenceResampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private ReferenceResampler() {
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
        if (outW < 1 || outH < 1 || cropW < 1 || cropH < 1 || cropX < 0 || cropY < 0
                || cropX + cropW > outW || cropY + cropH > outH) {
            throw new IllegalArgumentException("crop window " + cropW + "x" + cropH + "+" + cropX + "+" + cropY
                    + " outside " + outW + "x" + outH);
        }
        int srcW = src.width();
        int srcH = src.height();
        if (outW == srcW && outH == srcH) {
            return crop(src, cropX, cropY, cropW, cropH); // PIL returns a copy when the size is unchanged
        }
        if (filter == Interpolation.NEAREST) {
            return nearest(src, outW, outH, cropX, cropY, cropW, cropH);
        }
        Kernel kernel = filter == Interpolation.BICUBIC ? Kernel.BICUBIC : Kernel.BILINEAR;
        byte[] pixels = src.pixels();
        int width = srcW;
        int colOffset = 0;
        int rowBase = 0;
        Weights vertical = null;
        if (outH != srcH) {
            vertical = Weights.compute(srcH, outH, kernel, cropY, cropH);
        }
        if (outW != srcW) {
            Weights horizontal = Weights.compute(srcW, outW, kernel, cropX, cropW);
            int rowFrom = vertical != null ? vertical.firstSource() : cropY;
            int rowTo = vertical != null ? vertical.endSource() : cropY + cropH;
            pixels = horizontalPass(pixels, srcW, rowFrom, rowTo, horizontal);
            width = cropW;
            rowBase = rowFrom;
        } else {
            colOffset = cropX;
        }
        if (vertical == null) {
            return new RgbImage(cropW, cropH, pixels);
        }
        return new RgbImage(cropW, cropH, verticalPass(pixels, width, colOffset, cropW, rowBase, vertical));
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

    private static byte[] horizontalPass(byte[] src, int srcW, int rowFrom, int rowTo, Weights wx) {
        int outW = wx.count;
        byte[] out = new byte[3 * outW * (rowTo - rowFrom)];
        int ksize = wx.ksize;
        int[] k = wx.k;
        int o = 0;
        for (int y = rowFrom; y < rowTo; y++) {
            int rowStart = 3 * y * srcW;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = wx.min[xx];
                int n = wx.len[xx];
                int kb = xx * ksize;
                int s0 = HALF;
                int s1 = HALF;
                int s2 = HALF;
                int p = rowStart + 3 * xmin;
                for (int x = 0; x < n; x++, p += 3) {
                    int c = k[kb + x];
                    s0 += (src[p] & 0xFF) * c;
                    s1 += (src[p + 1] & 0xFF) * c;
                    s2 += (src[p + 2] & 0xFF) * c;
                }
                out[o++] = clip8(s0);
                out[o++] = clip8(s1);
                out[o++] = clip8(s2);
            }
        }
        return out;
    }

    private static byte[] verticalPass(byte[] in, int inW, int colOffset, int outW, int rowBase, Weights wy) {
        int rowLen = 3 * outW;
        byte[] out = new byte[rowLen * wy.count];
        int[] acc = new int[rowLen];
        for (int yy = 0; yy < wy.count; yy++) {
            java.util.Arrays.fill(acc, HALF);
            int ymin = wy.min[yy] - rowBase;
            int n = wy.len[yy];
            int kb = yy * wy.ksize;
            for (int y = 0; y < n; y++) {
                int c = wy.k[kb + y];
                int p = 3 * ((ymin + y) * inW + colOffset);
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += (in[p + i] & 0xFF) * c;
                }
            }
            int o = yy * rowLen;
            for (int i = 0; i < rowLen; i++) {
                out[o + i] = clip8(acc[i]);
            }
        }
        return out;
    }

    private static byte clip8(int v) {
        if (v >= (1 << PRECISION_BITS << 8)) {
            return (byte) 255;
        }
        if (v <= 0) {
            return 0;
        }
        return (byte) (v >> PRECISION_BITS);
    }

    private static RgbImage nearest(RgbImage src, int outW, int outH, int cropX, int cropY, int cropW, int cropH) {
        int[] xs = nearestIndices(src.width(), outW);
        int[] ys = nearestIndices(src.height(), outH);
        byte[] in = src.pixels();
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
                int p = 3 * (sy * src.width() + sx);
                out[o++] = in[p];
                out[o++] = in[p + 1];
                out[o++] = in[p + 2];
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
            double scale = (double) inSize / outSize;
            double filterscale = Math.max(scale, 1.0);
            double support = kernel.support * filterscale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            Weights w = new Weights(count, ksize);
            double[] tmp = new double[ksize];
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
