package io.xceptionspark.image;

import static io.xceptionspark.image.ImageFormat.u8;

/**
 * Which JPEGs {@link TurboJpeg} decodes, and at what draft scale.
 *
 * <p>Only JPEGs whose colours every decoder reads the same way go to TurboJPEG: 8-bit Huffman
 * (baseline, extended, progressive) with one component (grey) or three components numbered 1, 2, 3 and
 * no Adobe APP14 segment: libjpeg (hence PIL and TurboJPEG) and TwelveMonkeys' reader all take that to be
 * YCbCr. Everything else (CMYK/YCCK, Adobe RGB, odd component ids, 12-bit, arithmetic coding, files
 * whose header is damaged) keeps the exact ImageIO path, which decides as it always did.
 */
final class JpegFastPath {
    private JpegFastPath() {
    }

    /** The stored size of a JPEG the fast path takes. */
    record Frame(int width, int height) {
    }

    /** The frame of {@code jpeg} if TurboJPEG decodes it exactly, else null. */
    static Frame frame(byte[] jpeg) {
        boolean adobe = false;
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            if (u8(jpeg, pos) != 0xFF) {
                return null; // junk between segments: leave such files to the exact path
            }
            int marker = u8(jpeg, pos + 1);
            if (marker == 0xFF) {
                pos++;
                continue;
            }
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return null;
            }
            int length = (u8(jpeg, pos + 2) << 8) | u8(jpeg, pos + 3);
            int end = pos + 2 + length;
            if (length < 2 || end > jpeg.length) {
                return null;
            }
            if (marker == 0xEE && length >= 7 && jpeg[pos + 4] == 'A' && jpeg[pos + 5] == 'd'
                    && jpeg[pos + 6] == 'o' && jpeg[pos + 7] == 'b' && jpeg[pos + 8] == 'e') {
                adobe = true;
            }
            if (marker == 0xC0 || marker == 0xC1 || marker == 0xC2) {
                return frameOf(jpeg, pos + 4, end, adobe);
            }
            if (marker >= 0xC3 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return null; // lossless or arithmetic coding
            }
            pos = end;
        }
        return null;
    }

    private static Frame frameOf(byte[] b, int at, int end, boolean adobe) {
        if (at + 6 > end) {
            return null;
        }
        int precision = u8(b, at);
        int height = (u8(b, at + 1) << 8) | u8(b, at + 2);
        int width = (u8(b, at + 3) << 8) | u8(b, at + 4);
        int components = u8(b, at + 5);
        if (precision != 8 || width < 1 || height < 1 || at + 6 + 3 * components > end) {
            return null;
        }
        if (components == 1) {
            return new Frame(width, height);
        }
        if (components != 3 || adobe) {
            return null;
        }
        for (int c = 0; c < 3; c++) {
            if (u8(b, at + 6 + 3 * c) != c + 1) {
                return null;
            }
        }
        return new Frame(width, height);
    }

    /**
     * The DCT scale (1, 2, 4 or 8) of PIL's {@code Image.draft} for a picture of {@code width x height}
     * requested at {@code targetWidth x targetHeight}: the largest of 8, 4, 2, 1 not above
     * {@code min(width / targetWidth, height / targetHeight)} (integer division), so both sides stay at
     * least the target.
     */
    static int draftScale(int width, int height, int targetWidth, int targetHeight) {
        int scale = Math.min(width / Math.max(1, targetWidth), height / Math.max(1, targetHeight));
        for (int s : new int[] {8, 4, 2}) {
            if (scale >= s) {
                return s;
            }
        }
        return 1;
    }
}
