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
        return new IconEntry(bitmapFile(b, start, b.length, what), false);
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

    /** A BMP file around the DIB at {@code [start, end)}: a 14-byte file header, the height halved. */
    private static byte[] bitmapFile(byte[] b, int start, int end, String what) throws ImageFailure {
        if (end - start < 40) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, what + " picture is truncated inside its bitmap header");
        }
        long headerSize = ImageHeader.u32le(b, start);
        int bpp = ImageHeader.u16le(b, start + 14);
        long compression = ImageHeader.u32le(b, start + 16);
        long used = ImageHeader.u32le(b, start + 32);
        if (headerSize < 40 || headerSize > end - start || bpp == 0 || bpp > 32) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, what + " picture has a malformed bitmap header");
        }
        long paletteEntries = bpp <= 8 ? (used != 0 && used <= (1L << bpp) ? used : 1L << bpp) : 0;
        long masks = headerSize == 40 && (compression == 3 || compression == 6) ? 4L * (compression == 3 ? 3 : 4) : 0;
        long pixelOffset = 14 + headerSize + masks + 4 * paletteEntries;
        int dib = end - start;
        byte[] file = new byte[14 + dib];
        file[0] = 'B';
        file[1] = 'M';
        putLe(file, 2, file.length);
        putLe(file, 10, pixelOffset);
        System.arraycopy(b, start, file, 14, dib);
        int height = (int) ImageHeader.u32le(b, start + 8);
        putLe(file, 14 + 8, height / 2);
        putLe(file, 14 + 20, 0); // image size: let the codec compute it for the halved height
        return file;
    }

    private static void putLe(byte[] b, int at, long v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }
}
