package io.xceptionspark.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * Turns whatever a codec produced into 8-bit RGB with the semantics of PIL's {@code convert("RGB")},
 * working on raw samples rather than {@code getRGB} (which would gamma-convert gray to sRGB and
 * costs a colour-space conversion per pixel):
 * <ul>
 *   <li>gray is replicated to three channels (no gamma change);</li>
 *   <li>alpha is dropped, keeping the colour stored under it (transparent pixels keep their colour);</li>
 *   <li>palette images take their palette colours (tRNS / transparent index ignored);</li>
 *   <li>16-bit samples keep their high byte; 9-15 bit samples are rounded to 8 bits;</li>
 *   <li>CMYK samples (plain ink values) use PIL's formula, see {@link #cmykToRgb}.</li>
 * </ul>
 * Embedded ICC profiles are not applied to RGB data, exactly as PIL's decoders do, so the network
 * sees the values it was trained on.
 */
public final class RgbConverter {
    private RgbConverter() {
    }

    public static RgbImage toRgb(BufferedImage image) {
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[3 * w * h];
        if (cm instanceof IndexColorModel icm) {
            fromPalette(raster, icm, w, h, out);
            return new RgbImage(w, h, out);
        }
        int csType = cm.getColorSpace().getType();
        int colours = cm.getNumColorComponents();
        boolean gray = csType == ColorSpace.TYPE_GRAY && colours == 1;
        boolean rgb = csType == ColorSpace.TYPE_RGB && colours == 3;
        boolean cmyk = csType == ColorSpace.TYPE_CMYK && colours == 4;
        int type = raster.getDataBuffer().getDataType();
        boolean integral = type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT || type == DataBuffer.TYPE_INT;
        if (!(gray || rgb || cmyk) || raster.getNumBands() < colours || !integral) {
            fromArgb(image, w, h, out);
            return new RgbImage(w, h, out);
        }
        DataBuffer db = raster.getDataBuffer();
        if (raster.getSampleModel() instanceof ComponentSampleModel csm
                && raster.getSampleModelTranslateX() == 0 && raster.getSampleModelTranslateY() == 0
                && db.getNumBanks() == 1 && allBankZero(csm)
                && (db instanceof DataBufferByte || db instanceof DataBufferUShort)
                && fullWidthSamples(cm, DataBuffer.getDataTypeSize(db.getDataType()), colours)) {
            fromComponents(csm, db, colours, w, h, out);
        } else {
            fromSamples(raster, cm, colours, w, h, out);
        }
        return new RgbImage(w, h, out);
    }

    /** Whether every colour sample fills its storage element (8 bits in a byte, 16 in a short). */
    private static boolean fullWidthSamples(ColorModel cm, int elementBits, int colours) {
        for (int c = 0; c < colours; c++) {
            if (cm.getComponentSize(c) != elementBits) {
                return false;
            }
        }
        return true;
    }

    private static boolean allBankZero(ComponentSampleModel csm) {
        for (int bank : csm.getBankIndices()) {
            if (bank != 0) {
                return false;
            }
        }
        return true;
    }

    /** Fast path: interleaved 8- or 16-bit samples read straight from the backing array. */
    private static void fromComponents(ComponentSampleModel csm, DataBuffer db, int colours, int w, int h, byte[] out) {
        int pixelStride = csm.getPixelStride();
        int scanStride = csm.getScanlineStride();
        int[] offsets = csm.getBandOffsets();
        int o0 = offsets[0] + db.getOffset();
        int o1 = colours >= 3 ? offsets[1] + db.getOffset() : o0;
        int o2 = colours >= 3 ? offsets[2] + db.getOffset() : o0;
        int o3 = colours == 4 ? offsets[3] + db.getOffset() : o0;
        int o = 0;
        if (db instanceof DataBufferByte bytes) {
            byte[] a = bytes.getData();
            for (int y = 0; y < h; y++) {
                int p = y * scanStride;
                for (int x = 0; x < w; x++, p += pixelStride) {
                    if (colours == 4) {
                        o = cmykToRgb(a[p + o0] & 0xFF, a[p + o1] & 0xFF, a[p + o2] & 0xFF, a[p + o3] & 0xFF, out, o);
                    } else {
                        out[o++] = a[p + o0];
                        out[o++] = a[p + o1];
                        out[o++] = a[p + o2];
                    }
                }
            }
        } else {
            short[] a = ((DataBufferUShort) db).getData();
            for (int y = 0; y < h; y++) {
                int p = y * scanStride;
                for (int x = 0; x < w; x++, p += pixelStride) {
                    if (colours == 4) {
                        o = cmykToRgb((a[p + o0] & 0xFFFF) >> 8, (a[p + o1] & 0xFFFF) >> 8,
                                (a[p + o2] & 0xFFFF) >> 8, (a[p + o3] & 0xFFFF) >> 8, out, o);
                    } else {
                        out[o++] = (byte) ((a[p + o0] & 0xFFFF) >> 8);
                        out[o++] = (byte) ((a[p + o1] & 0xFFFF) >> 8);
                        out[o++] = (byte) ((a[p + o2] & 0xFFFF) >> 8);
                    }
                }
            }
        }
    }

    /** General path for other sample layouts (packed, banded, odd bit depths). */
    private static void fromSamples(Raster raster, ColorModel cm, int colours, int w, int h, byte[] out) {
        int[] bits = cm.getComponentSize();
        int[] row = new int[w];
        int[][] bands = new int[colours][];
        for (int y = 0; y < h; y++) {
            for (int c = 0; c < colours; c++) {
                int[] samples = raster.getSamples(0, y, w, 1, c, c == 0 ? row : new int[w]);
                for (int x = 0; x < w; x++) {
                    samples[x] = to8(samples[x], bits[c]);
                }
                bands[c] = samples;
            }
            int o = 3 * w * y;
            for (int x = 0; x < w; x++) {
                if (colours == 4) {
                    o = cmykToRgb(bands[0][x], bands[1][x], bands[2][x], bands[3][x], out, o);
                } else {
                    out[o++] = (byte) bands[0][x];
                    out[o++] = (byte) bands[colours >= 3 ? 1 : 0][x];
                    out[o++] = (byte) bands[colours >= 3 ? 2 : 0][x];
                }
            }
        }
    }

    private static int to8(int v, int bits) {
        if (bits == 8) {
            return v;
        }
        if (bits == 16) {
            return v >>> 8; // PIL keeps the high byte of 16-bit data
        }
        if (bits > 8) {
            // 9-15 bit samples (JPEG 2000): PIL's decoder rounds them to 8 bits and stores the result in a
            // byte, so the top value rounds up to 256 and wraps to 0; we reproduce that, as the reference does.
            return ((v + (1 << (bits - 9))) >>> (bits - 8)) & 0xFF;
        }
        return v * 255 / ((1 << bits) - 1); // 1/2/4-bit gray scale up to full range, as PIL's "L"
    }

    private static void fromPalette(Raster raster, IndexColorModel icm, int w, int h, byte[] out) {
        int size = icm.getMapSize();
        byte[] r = new byte[256];
        byte[] g = new byte[256];
        byte[] b = new byte[256];
        icm.getReds(r);
        icm.getGreens(g);
        icm.getBlues(b);
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = row[x] & 0xFF;
                if (i >= size) {
                    // out-of-range index: PIL reads its zero-padded palette, which is black
                    out[o++] = 0;
                    out[o++] = 0;
                    out[o++] = 0;
                    continue;
                }
                out[o++] = r[i];
                out[o++] = g[i];
                out[o++] = b[i];
            }
        }
    }

    /** Anything exotic (e.g. float TIFF or HDR, Lab): let Java2D convert to sRGB, alpha discarded. */
    private static void fromArgb(BufferedImage image, int w, int h, byte[] out) {
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                out[o++] = (byte) (p >> 16);
                out[o++] = (byte) (p >> 8);
                out[o++] = (byte) p;
            }
        }
    }

    /**
     * PIL's CMYK to RGB ({@code cmyk2rgb} in Convert.c): {@code R = (255 - K) - C * (255 - K) / 255}
     * with its rounding divide-by-255, applied to plain (not inverted) ink values.
     */
    static int cmykToRgb(int c, int m, int y, int k, byte[] out, int o) {
        int nk = 255 - k;
        out[o] = (byte) clip8(nk - mulDiv255(c, nk));
        out[o + 1] = (byte) clip8(nk - mulDiv255(m, nk));
        out[o + 2] = (byte) clip8(nk - mulDiv255(y, nk));
        return o + 3;
    }

    /** PIL's MULDIV255: a * b / 255, rounded. */
    private static int mulDiv255(int a, int b) {
        int tmp = a * b + 128;
        return ((tmp >> 8) + tmp) >> 8;
    }

    private static int clip8(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
