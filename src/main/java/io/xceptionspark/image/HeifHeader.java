package io.xceptionspark.image;

import java.nio.charset.StandardCharsets;

/**
 * The picture size a HEIF file (HEIC, AVIF) declares, read from its boxes (ISO/IEC 23008-12) before any
 * decoder runs: the primary item's {@code ispe} (image spatial extents) property, with width and height
 * swapped by a quarter-turn {@code irot}. Every {@code ispe} in the file (a grid's tiles, thumbnails,
 * alpha and depth planes too) must be within the pixel limit, so a hostile tile cannot make the decoder
 * allocate more than the limit allows.
 *
 * <p>Only the boxes on the path to those properties are walked: ftyp, meta (FullBox) with pitm and
 * iprp (ipco, ipma). Nothing is decompressed.
 */
final class HeifHeader {
    /** Boxes nested deeper than this are not looked into (a hostile file could nest without end). */
    private static final int MAX_BOXES = 100_000;

    private HeifHeader() {
    }

    /** Width and height of the upright primary picture; fails with CORRUPT or TOO_LARGE. */
    static Size read(byte[] b, String format, long maxPixels) throws ImageFailure {
        Box meta = find(b, 0, b.length, "meta", format);
        int metaStart = meta.payload + 4; // FullBox: version and flags
        Box pitm = find(b, metaStart, meta.end, "pitm", format);
        long primary = u8(b, pitm.payload, pitm.end) == 0 ? u16(b, pitm.payload + 4, pitm.end)
                : u32(b, pitm.payload + 4, pitm.end);
        Box iprp = find(b, metaStart, meta.end, "iprp", format);
        Box ipco = find(b, iprp.payload, iprp.end, "ipco", format);
        Box ipma = find(b, iprp.payload, iprp.end, "ipma", format);

        // ipco's property boxes, 1-based; every ispe in the file is checked against the limit
        Box[] properties = new Box[Math.min(1 + count(b, ipco), MAX_BOXES)];
        int n = 0;
        for (int pos = ipco.payload; pos < ipco.end && n + 1 < properties.length; ) {
            Box property = Box.at(b, pos, ipco.end, format);
            properties[++n] = property;
            if (property.type.equals("ispe")) {
                ImageHeader.checkPixels(u32(b, property.payload + 4, property.end),
                        u32(b, property.payload + 8, property.end), maxPixels, format + " ispe property");
            }
            pos = property.end;
        }

        // ipma: item id -> property indices
        int version = u8(b, ipma.payload, ipma.end);
        boolean wideIndex = (u8(b, ipma.payload + 3, ipma.end) & 1) != 0;
        int pos = ipma.payload + 4;
        long entries = u32(b, pos, ipma.end);
        pos += 4;
        for (long e = 0; e < entries; e++) {
            long item = version < 1 ? u16(b, pos, ipma.end) : u32(b, pos, ipma.end);
            pos += version < 1 ? 2 : 4;
            int associations = u8(b, pos++, ipma.end);
            long width = -1;
            long height = -1;
            int quarterTurns = 0;
            for (int a = 0; a < associations; a++) {
                int index = wideIndex ? (u16(b, pos, ipma.end) & 0x7FFF) : (u8(b, pos, ipma.end) & 0x7F);
                pos += wideIndex ? 2 : 1;
                if (item != primary || index == 0 || index > n) {
                    continue;
                }
                Box property = properties[index];
                if (property.type.equals("ispe")) {
                    width = u32(b, property.payload + 4, property.end);
                    height = u32(b, property.payload + 8, property.end);
                } else if (property.type.equals("irot")) {
                    quarterTurns = u8(b, property.payload, property.end) & 3;
                }
            }
            if (item == primary) {
                if (width < 0) {
                    throw new ImageFailure(ImageErrorCode.CORRUPT, format + " primary image has no ispe (size) property");
                }
                boolean swap = quarterTurns % 2 == 1;
                return new Size(swap ? height : width, swap ? width : height);
            }
        }
        throw new ImageFailure(ImageErrorCode.CORRUPT, format + " primary image " + primary + " has no properties");
    }

    /** Width and height, in pixels. */
    record Size(long width, long height) {
    }

    private static int count(byte[] b, Box parent) throws ImageFailure {
        int count = 0;
        for (int pos = parent.payload; pos < parent.end && count < MAX_BOXES; count++) {
            pos = Box.at(b, pos, parent.end, "HEIF").end;
        }
        return count;
    }

    private static Box find(byte[] b, int from, int to, String type, String format) throws ImageFailure {
        int seen = 0;
        for (int pos = from; pos < to && seen++ < MAX_BOXES; ) {
            Box box = Box.at(b, pos, to, format);
            if (box.type.equals(type)) {
                return box;
            }
            pos = box.end;
        }
        throw new ImageFailure(ImageErrorCode.CORRUPT, format + " file has no " + type + " box"
                + (to == b.length && from == 0 ? "" : " where it belongs") + " (truncated or not a HEIF image)");
    }

    /** A box: its type, where its payload starts and where it ends (exclusive), within its parent. */
    private record Box(String type, int payload, int end) {
        static Box at(byte[] b, int pos, int parentEnd, String format) throws ImageFailure {
            if (pos + 8 > parentEnd) {
                throw truncated(format);
            }
            long size = u32(b, pos, parentEnd);
            int header = 8;
            if (size == 1) {
                if (pos + 16 > parentEnd) {
                    throw truncated(format);
                }
                long high = u32(b, pos + 8, parentEnd);
                size = high != 0 ? Long.MAX_VALUE : u32(b, pos + 12, parentEnd);
                header = 16;
            } else if (size == 0) {
                size = parentEnd - pos; // to the end of its parent
            }
            if (size < header || size > parentEnd - pos) {
                throw truncated(format);
            }
            String type = new String(b, pos + 4, 4, StandardCharsets.ISO_8859_1);
            return new Box(type, pos + header, (int) (pos + size));
        }
    }

    private static ImageFailure truncated(String format) {
        return new ImageFailure(ImageErrorCode.CORRUPT, format + " file is truncated or malformed: a box runs past"
                + " its container");
    }

    private static int u8(byte[] b, int i, int end) throws ImageFailure {
        if (i >= end) {
            throw truncated("HEIF");
        }
        return b[i] & 0xFF;
    }

    private static int u16(byte[] b, int i, int end) throws ImageFailure {
        if (i + 2 > end) {
            throw truncated("HEIF");
        }
        return ImageFormat.u8(b, i) << 8 | ImageFormat.u8(b, i + 1);
    }

    private static long u32(byte[] b, int i, int end) throws ImageFailure {
        if (i + 4 > end) {
            throw truncated("HEIF");
        }
        return ImageHeader.u32(b, i);
    }
}
