package io.xceptionspark.image;

import static io.xceptionspark.image.ImageFormat.u8;

/**
 * Reads what a file's header declares (size, JPEG coding) straight from the bytes, so hostile
 * claims are rejected before any codec runs or allocates. Only the cheap, fixed-layout parts of
 * PNG, GIF, JPEG, JPEG 2000 and IFF are parsed here; every format is also checked through the
 * codec's own header reading ({@code ImageReader.getWidth}), which allocates no pixels either.
 */
final class ImageHeader {
    private ImageHeader() {
    }

    /** Fails unless {@code width x height} is a non-empty picture within {@code maxPixels}. */
    static void checkPixels(long width, long height, long maxPixels, String what) throws ImageFailure {
        if (width <= 0 || height <= 0) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, what + " declares an empty picture (" + width + "x" + height + ")");
        }
        if (width > maxPixels / height) {
            throw new ImageFailure(ImageErrorCode.TOO_LARGE, what + " declares " + width + "x" + height
                    + " pixels, over the limit of " + maxPixels + " pixels");
        }
    }

    /**
     * PNG: the size fields sit at fixed offsets in the IHDR chunk, which must come first. The
     * size claim is checked before the chunk type, so a garbage file claiming billions of pixels
     * is reported as TOO_LARGE rather than merely CORRUPT.
     */
    static void checkPng(byte[] b, long maxPixels) throws ImageFailure {
        if (b.length < 33) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "PNG file is truncated inside its header (" + b.length + " bytes)");
        }
        long w = u32(b, 16);
        long h = u32(b, 20);
        boolean ihdr = b[12] == 'I' && b[13] == 'H' && b[14] == 'D' && b[15] == 'R';
        String what = ihdr ? "PNG header" : "PNG header (malformed: first chunk is not IHDR)";
        checkPixels(w, h, maxPixels, what);
        if (!ihdr) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "malformed PNG: first chunk is not IHDR");
        }
    }

    /**
     * JPEG: walks the marker segments up to the first frame header (SOFn) and rejects what the
     * codec cannot decode (12/16-bit precision, lossless, arithmetic coding) as UNSUPPORTED.
     */
    static void checkJpeg(byte[] b, long maxPixels) throws ImageFailure {
        int pos = 2;
        while (true) {
            while (pos < b.length && u8(b, pos) != 0xFF) {
                pos++; // tolerate junk between segments, as libjpeg does (with a warning)
            }
            while (pos < b.length && u8(b, pos) == 0xFF) {
                pos++;
            }
            if (pos >= b.length) {
                throw new ImageFailure(ImageErrorCode.CORRUPT, "JPEG file ends before its frame header");
            }
            int marker = u8(b, pos++);
            if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // stand-alone markers
            }
            if (marker == 0xDA || marker == 0xD9) {
                throw new ImageFailure(ImageErrorCode.CORRUPT, "JPEG has no frame header before its scan data");
            }
            if (pos + 2 > b.length) {
                throw new ImageFailure(ImageErrorCode.CORRUPT, "JPEG file ends inside a marker segment");
            }
            int length = (u8(b, pos) << 8) | u8(b, pos + 1);
            if (isStartOfFrame(marker)) {
                if (pos + 8 > b.length) {
                    throw new ImageFailure(ImageErrorCode.CORRUPT, "JPEG file ends inside its frame header");
                }
                int precision = u8(b, pos + 2);
                long h = (u8(b, pos + 3) << 8) | u8(b, pos + 4);
                long w = (u8(b, pos + 5) << 8) | u8(b, pos + 6);
                if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2) {
                    throw new ImageFailure(ImageErrorCode.UNSUPPORTED, String.format(
                            "JPEG coding process SOF%d (%s) is not supported; only baseline, extended and progressive Huffman JPEG",
                            marker - 0xC0, marker == 0xC3 || marker == 0xC7 || marker == 0xCB || marker == 0xCF
                                    ? "lossless" : "arithmetic coding"));
                }
                if (precision != 8) {
                    throw new ImageFailure(ImageErrorCode.UNSUPPORTED,
                            precision + "-bit JPEG is not supported; only 8-bit samples");
                }
                // Height 0 means "defined later by a DNL marker"; the codec rejects that, so it is CORRUPT too.
                checkPixels(w, h, maxPixels, "JPEG frame header");
                return;
            }
            if (length < 2) {
                throw new ImageFailure(ImageErrorCode.CORRUPT, "malformed JPEG marker segment");
            }
            pos += length;
        }
    }

    /**
     * IFF: every chunk must fit in the file. The codec trusts chunk lengths and allocates them
     * (a 4 GB claim is an out-of-memory error, not a bad file), so they are checked first.
     */
    static void checkIff(byte[] b) throws ImageFailure {
        int pos = 12;
        while (pos + 8 <= b.length) {
            long length = u32(b, pos + 4);
            if (length > b.length - pos - 8L) {
                throw new ImageFailure(ImageErrorCode.CORRUPT, "IFF chunk "
                        + new String(b, pos, 4, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "?")
                        + " claims " + length + " bytes, past the end of the file");
            }
            pos += 8 + (int) length + (int) (length & 1);
        }
    }

    /**
     * DDS: only the encodings the DDS codec decodes as PIL does pass. Uncompressed RGB(A) is
     * bit-identical; DXT1 is within one level (the codec widens 5/6-bit colours by rounding,
     * PIL by bit replication). DXT2-5 are refused: the codec decodes their colour blocks in DXT1's
     * three-colour mode when colour0 <= colour1, which those formats do not have (Pillow's issue
     * 4142 file turns transparent black), and DX10/BCn textures it does not read at all. DXT1
     * sides must be multiples of 4 (the codec misplaces partial blocks; textures almost always are).
     */
    static void checkDds(byte[] b, long maxPixels) throws ImageFailure {
        if (b.length < 128 || u32le(b, 4) != 124) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "DDS file has no readable 124-byte header");
        }
        long width = u32le(b, 16);
        long height = u32le(b, 12);
        checkPixels(width, height, maxPixels, "DDS header");
        // the codec sizes its buffers by the mipmap count: more levels than halvings of the larger side is a lie
        long mipmaps = u32le(b, 28);
        long levels = 64 - Long.numberOfLeadingZeros(Math.max(1, Math.max(width, height)));
        if (mipmaps > levels) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "DDS header claims " + mipmaps + " mipmap levels for a "
                    + width + "x" + height + " picture, which has at most " + levels);
        }
        long flags = u32le(b, 80);
        boolean fourCc = (flags & 0x4) != 0;
        boolean rgb = (flags & 0x40) != 0;
        String code = new String(b, 84, 4, java.nio.charset.StandardCharsets.ISO_8859_1).replaceAll("[^ -~]", "?");
        if (fourCc && code.equals("DXT1") && (width % 4 != 0 || height % 4 != 0)) {
            // the codec misplaces the blocks of a picture whose sides are not whole 4x4 blocks
            throw new ImageFailure(ImageErrorCode.UNSUPPORTED_FORMAT, "DDS image with DXT1 compression and sides "
                    + width + "x" + height + " that are not multiples of 4: no exact decoder (see docs/IMAGES.md)");
        }
        if (fourCc && !code.equals("DXT1") || !fourCc && !rgb) {
            throw new ImageFailure(ImageErrorCode.UNSUPPORTED_FORMAT, "DDS image with "
                    + (fourCc ? code + " compression" : "a pixel format other than RGB(A)")
                    + ": no exact decoder (uncompressed and DXT1 DDS are decoded; see docs/IMAGES.md)");
        }
    }

    /**
     * JPEG 2000: the image and tile sizes in the SIZ segment. jj2000 allocates per component and
     * per tile, so beyond the pixel count, a picture of more than 4 components counts as that many
     * more pixels, and the tile count must be within the standard's 65,535.
     */
    static void checkJpeg2000(byte[] b, long maxPixels) throws ImageFailure {
        int cs = codestreamStart(b);
        if (cs < 0 || cs + 42 > b.length) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "JPEG 2000 file has no readable SIZ header");
        }
        if (u8(b, cs) != 0xFF || u8(b, cs + 1) != 0x4F || u8(b, cs + 2) != 0xFF || u8(b, cs + 3) != 0x51) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "JPEG 2000 codestream does not start with SOC, SIZ");
        }
        int siz = cs + 4;
        long w = u32(b, siz + 4) - u32(b, siz + 12);
        long h = u32(b, siz + 8) - u32(b, siz + 16);
        long tileW = u32(b, siz + 20);
        long tileH = u32(b, siz + 24);
        int components = (u8(b, siz + 36) << 8) | u8(b, siz + 37);
        if (components < 1 || tileW < 1 || tileH < 1) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "JPEG 2000 SIZ header declares no component or an empty tile");
        }
        int length = (u8(b, siz) << 8) | u8(b, siz + 1);
        if (length != 38 + 3 * components || siz + length > b.length) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "JPEG 2000 SIZ header declares " + components
                    + " components, which do not fit its length of " + length + " bytes");
        }
        checkPixels(w, h, maxPixels, "JPEG 2000 SIZ header");
        if (components > 4) { // PIL reads at most 4 (RGBA); jj2000 would allocate a plane per component
            checkPixels(w, h * (components / 4 + 1), maxPixels, "JPEG 2000 SIZ header (" + components + " components)");
        }
        long tiles = ((u32(b, siz + 4) - u32(b, siz + 28) + tileW - 1) / tileW)
                * ((u32(b, siz + 8) - u32(b, siz + 32) + tileH - 1) / tileH);
        if (tiles > 65_535 || tiles < 1) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "JPEG 2000 SIZ header declares " + tiles + " tiles");
        }
    }

    /** Where the codestream starts: at 0, or inside the JP2 file's jp2c box; -1 if not found. */
    private static int codestreamStart(byte[] b) {
        if (b.length >= 2 && u8(b, 0) == 0xFF && u8(b, 1) == 0x4F) {
            return 0;
        }
        long pos = 0;
        while (pos + 8 <= b.length) {
            long length = u32(b, (int) pos);
            int header = 8;
            if (length == 1 && pos + 16 <= b.length) {
                long high = u32(b, (int) pos + 8);
                length = high != 0 ? Long.MAX_VALUE : u32(b, (int) pos + 12);
                header = 16;
            }
            if (b[(int) pos + 4] == 'j' && b[(int) pos + 5] == 'p' && b[(int) pos + 6] == '2' && b[(int) pos + 7] == 'c') {
                return (int) pos + header;
            }
            if (length == 0 || length < header) {
                return -1; // a box running to the end (or a malformed one) before the codestream
            }
            pos += length;
        }
        return -1;
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    static long u32(byte[] b, int i) {
        return ((long) u8(b, i) << 24) | (u8(b, i + 1) << 16) | (u8(b, i + 2) << 8) | u8(b, i + 3);
    }

    static long u32le(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8) | (u8(b, i + 2) << 16) | ((long) u8(b, i + 3) << 24);
    }

    static int u16le(byte[] b, int i) {
        return u8(b, i) | (u8(b, i + 1) << 8);
    }

    /**
     * Where a GIF's first frame sits. PIL's first frame is a canvas of the logical screen size,
     * grown to contain the frame if the frame sticks out (that grown size is also what its
     * decompression-bomb check sees), pre-filled with the frame's transparent index, else index 0.
     */
    record GifLayout(int canvasWidth, int canvasHeight, int left, int top, int frameWidth, int frameHeight,
                     int transparentIndex) {

        static GifLayout parse(byte[] b, long maxPixels) throws ImageFailure {
            if (b.length < 13) {
                throw new ImageFailure(ImageErrorCode.CORRUPT, "GIF file is truncated inside its header");
            }
            int screenW = u16le(b, 6);
            int screenH = u16le(b, 8);
            int pos = 13;
            if ((u8(b, 10) & 0x80) != 0) {
                pos += 3 * (1 << ((u8(b, 10) & 7) + 1));
            }
            int transparent = -1;
            while (pos < b.length) {
                int block = u8(b, pos);
                if (block == 0x2C) {
                    if (pos + 9 > b.length) {
                        break;
                    }
                    int left = u16le(b, pos + 1);
                    int top = u16le(b, pos + 3);
                    int fw = u16le(b, pos + 5);
                    int fh = u16le(b, pos + 7);
                    long canvasW = Math.max(screenW, (long) left + fw);
                    long canvasH = Math.max(screenH, (long) top + fh);
                    checkPixels(canvasW, canvasH, maxPixels, "GIF screen");
                    checkPixels(fw, fh, maxPixels, "GIF frame");
                    return new GifLayout((int) canvasW, (int) canvasH, left, top, fw, fh, transparent);
                }
                if (block != 0x21 || pos + 2 > b.length) {
                    break; // trailer (0x3B) or garbage before any frame
                }
                int label = u8(b, pos + 1);
                if (label == 0xF9 && pos + 7 <= b.length && u8(b, pos + 2) == 4) {
                    transparent = (u8(b, pos + 3) & 1) != 0 ? u8(b, pos + 6) : -1;
                }
                pos += 2;
                while (pos < b.length && u8(b, pos) != 0) {
                    pos += u8(b, pos) + 1;
                }
                pos++;
            }
            checkPixels(screenW, screenH, maxPixels, "GIF screen");
            throw new ImageFailure(ImageErrorCode.CORRUPT, "GIF has no image frame");
        }
    }
}
