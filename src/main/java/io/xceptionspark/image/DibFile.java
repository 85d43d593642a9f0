package io.xceptionspark.image;

/**
 * A device-independent bitmap (a BMP without its 14-byte file header: clipboard {@code .dib}
 * files, the pictures inside ICO/CUR) made into a BMP file for the BMP codecs, by computing the
 * file header PIL's {@code DibImageFile} does without. Only header fields are read here.
 */
final class DibFile {
    /** Header sizes of the DIB versions (core, info, OS/2 2.x, v2-v5); also how PIL recognises a DIB. */
    private static final long[] HEADER_SIZES = {12, 40, 52, 56, 64, 108, 124};

    private DibFile() {
    }

    /** Whether {@code b} starts with a plausible DIB header (known size, 1 plane, a valid bit depth). */
    static boolean looksLikeDib(byte[] b) {
        if (b.length < 16) {
            return false;
        }
        long size = ImageHeader.u32le(b, 0);
        boolean known = false;
        for (long s : HEADER_SIZES) {
            known |= s == size;
        }
        if (!known || b.length < size) {
            return false;
        }
        int planes = ImageHeader.u16le(b, size == 12 ? 8 : 12);
        int bpp = ImageHeader.u16le(b, size == 12 ? 10 : 14);
        return planes == 1 && (bpp == 1 || bpp == 2 || bpp == 4 || bpp == 8 || bpp == 16 || bpp == 24 || bpp == 32);
    }

    /**
     * A BMP file around the DIB that starts at {@code start} and runs to the end of {@code b}.
     *
     * @param halveHeight for icon pictures, whose height field counts the colour and the mask bitmaps
     */
    static byte[] toBmp(byte[] b, int start, boolean halveHeight, String what) throws ImageFailure {
        int dib = b.length - start;
        if (dib < 16) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, what + " is truncated inside its bitmap header");
        }
        long headerSize = ImageHeader.u32le(b, start);
        boolean core = headerSize == 12;
        if (headerSize < 12 || (!core && headerSize < 40) || headerSize > dib) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, what + " has a malformed bitmap header");
        }
        int bpp = ImageHeader.u16le(b, start + (core ? 10 : 14));
        long compression = core ? 0 : ImageHeader.u32le(b, start + 16);
        long used = core ? 0 : ImageHeader.u32le(b, start + 32);
        if (bpp == 0 || bpp > 32) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, what + " declares " + bpp + " bits per pixel");
        }
        long paletteEntries = bpp <= 8 ? (used != 0 && used <= (1L << bpp) ? used : 1L << bpp) : 0;
        // BI_BITFIELDS (3) / BI_ALPHABITFIELDS (6) masks follow a 40-byte header; later headers hold them inside
        long masks = headerSize == 40 && (compression == 3 || compression == 6) ? 4L * (compression == 3 ? 3 : 4) : 0;
        long pixelOffset = 14 + headerSize + masks + (core ? 3 : 4) * paletteEntries;
        byte[] file = new byte[14 + dib];
        file[0] = 'B';
        file[1] = 'M';
        putLe(file, 2, file.length);
        putLe(file, 10, pixelOffset);
        System.arraycopy(b, start, file, 14, dib);
        if (halveHeight) {
            if (core) {
                int h = ImageHeader.u16le(b, start + 6);
                file[14 + 6] = (byte) (h / 2);
                file[14 + 7] = (byte) ((h / 2) >> 8);
            } else {
                putLe(file, 14 + 8, (int) ImageHeader.u32le(b, start + 8) / 2);
                putLe(file, 14 + 20, 0); // image size: let the codec compute it for the halved height
            }
        }
        return file;
    }

    private static void putLe(byte[] b, int at, long v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) (v >> 16);
        b[at + 3] = (byte) (v >> 24);
    }
}
