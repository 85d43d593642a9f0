package io.xceptionspark.image;

import static io.xceptionspark.image.ImageFormat.u8;

/**
 * The picture of an ICO or CUR file that PIL shows, cut out as a standalone PNG or BMP file for
 * those codecs to decode. Only the directory is parsed here; pixels are decoded by the codecs.
 *
 * <p>Why not the ICO codec's own result: for palette icons it replaces the pixels under the AND
 * mask by a transparent palette entry, losing their colour, while PIL applies the mask as alpha
 * and {@code convert("RGB")} shows the colour underneath. The colour bitmap ("XOR" bitmap) decoded
 * as a BMP is exactly that.
 *
 * <p>Choice, as PIL 9.4: ICO takes the largest picture (by area, width 0 meaning 256), then the
 * deepest colour; CUR takes the first picture unless a later one is larger in both sides.
 *
 * @param bytes the picture as a file: a PNG, or a BMP made of a file header and the DIB whose
 *              height is halved (a DIB in an icon stores colour and mask bitmaps, hence twice the height)
 * @param png   whether {@code bytes} is a PNG
 */
record IconEntry(byte[] bytes, boolean png) {
    private static final int DIRECTORY_ENTRY = 16;

    static IconEntry select(byte[] b, boolean cursor) throws ImageFailure {
        String what = cursor ? "CUR" : "ICO";
        int count = ImageHeader.u16le(b, 4);
        if (b.length < 6 + (long) DIRECTORY_ENTRY * count) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, what + " file is truncated inside its directory");
        }
        int best = 0;
        for (int i = 1; i < count; i++) {
            if (cursor ? larger(b, i, best) : better(b, i, best)) {
                best = i;
            }
        }
        int entry = 6 + DIRECTORY_ENTRY * best;
        long size = ImageHeader.u32le(b, entry + 8);
        long offset = ImageHeader.u32le(b, entry + 12);
        if (offset + 8 > b.length) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, what + " picture lies outside the file");
        }
        int start = (int) offset;
        // PNG: its stated size; DIB: to the end of the file, as PIL reads it (the size field is often wrong)
        int end = size >= 8 ? (int) Math.min(b.length, offset + size) : b.length;
        if (u8(b, start) == 0x89 && b[start + 1] == 'P' && b[start + 2] == 'N' && b[start + 3] == 'G') {
            byte[] png = new byte[end - start];
            System.arraycopy(b, start, png, 0, png.length);
            return new IconEntry(png, true);
        }
        return new IconEntry(DibFile.toBmp(b, start, true, what + " picture"), false);
    }

    /** ICO: larger area wins, then more bits per pixel (PIL sorts by both). */
    private static boolean better(byte[] b, int i, int j) {
        long ai = area(b, i);
        long aj = area(b, j);
        return ai > aj || (ai == aj && depth(b, i) > depth(b, j));
    }

    /** CUR: a later picture wins only if wider and taller. */
    private static boolean larger(byte[] b, int i, int j) {
        return side(b, 6 + DIRECTORY_ENTRY * i) > side(b, 6 + DIRECTORY_ENTRY * j)
                && side(b, 7 + DIRECTORY_ENTRY * i) > side(b, 7 + DIRECTORY_ENTRY * j);
    }

    private static long area(byte[] b, int i) {
        int e = 6 + DIRECTORY_ENTRY * i;
        return (long) side(b, e) * side(b, e + 1);
    }

    private static int side(byte[] b, int at) {
        int v = u8(b, at);
        return v == 0 ? 256 : v;
    }

    /** PIL's colour depth: the bpp field, else from the colour count, else 256. */
    private static int depth(byte[] b, int i) {
        int e = 6 + DIRECTORY_ENTRY * i;
        int bpp = ImageHeader.u16le(b, e + 6);
        if (bpp != 0) {
            return bpp;
        }
        int colours = u8(b, e + 2);
        return colours != 0 ? 32 - Integer.numberOfLeadingZeros(colours - 1) : 256;
    }
}
