package io.xceptionspark.image;

import java.nio.charset.StandardCharsets;

/**
 * The picture size a JPEG XL file declares: the SizeHeader right after the codestream signature
 * {@code FF 0A} (ISO/IEC 18181-1), found at the start of a bare codestream or in the first {@code jxlc} /
 * {@code jxlp} box of the ISO container ({@code 0000000C 'JXL ' 0D0A870A}). Read before any decoder runs.
 * The codestream's orientation may swap width and height; the pixel count, which the limit bounds, is
 * the same either way.
 */
final class JxlHeader {
    private static final int[][] RATIOS = {{1, 1}, {12, 10}, {4, 3}, {3, 2}, {16, 9}, {5, 4}, {2, 1}};
    private static final int MAX_BOXES = 10_000;

    private JxlHeader() {
    }

    /** Width and height as stored (before the codestream's orientation); fails with CORRUPT. */
    static HeifHeader.Size read(byte[] b) throws ImageFailure {
        int start = codestream(b);
        if (start + 2 > b.length || (b[start] & 0xFF) != 0xFF || (b[start + 1] & 0xFF) != 0x0A) {
            throw corrupt("the codestream does not start with its signature FF 0A");
        }
        Bits bits = new Bits(b, start + 2);
        boolean small = bits.read(1) == 1;
        long height = small ? (bits.read(5) + 1) * 8 : bits.u32() + 1;
        int ratio = (int) bits.read(3);
        long width;
        if (ratio == 0) {
            width = small ? (bits.read(5) + 1) * 8 : bits.u32() + 1;
        } else {
            width = height * RATIOS[ratio - 1][0] / RATIOS[ratio - 1][1];
        }
        return new HeifHeader.Size(width, height);
    }

    /** Where the codestream starts: 0 for a bare one, else the payload of the container's first jxlc/jxlp box. */
    private static int codestream(byte[] b) throws ImageFailure {
        if (b.length >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0x0A) {
            return 0;
        }
        long pos = 0;
        for (int seen = 0; pos + 8 <= b.length && seen < MAX_BOXES; seen++) {
            long size = ImageHeader.u32(b, (int) pos);
            int header = 8;
            if (size == 1) {
                if (pos + 16 > b.length) {
                    break;
                }
                size = ImageHeader.u32(b, (int) pos + 8) != 0 ? Long.MAX_VALUE : ImageHeader.u32(b, (int) pos + 12);
                header = 16;
            } else if (size == 0) {
                size = b.length - pos;
            }
            String type = new String(b, (int) pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (type.equals("jxlc")) {
                return (int) pos + header;
            }
            if (type.equals("jxlp")) {
                return (int) pos + header + 4; // a 4-byte part index precedes the partial codestream
            }
            if (size < header) {
                break;
            }
            pos += size;
        }
        throw corrupt("the container has no codestream box (jxlc or jxlp)");
    }

    private static ImageFailure corrupt(String why) {
        return new ImageFailure(ImageErrorCode.CORRUPT, "JPEG XL file is truncated or malformed: " + why);
    }

    /** The codestream's bit reader: least significant bit of each byte first. */
    private static final class Bits {
        private final byte[] b;
        private long position;

        Bits(byte[] b, int startByte) {
            this.b = b;
            this.position = 8L * startByte;
        }

        long read(int count) throws ImageFailure {
            long value = 0;
            for (int i = 0; i < count; i++, position++) {
                int at = (int) (position >>> 3);
                if (at >= b.length) {
                    throw corrupt("the file ends inside its size header");
                }
                value |= (long) ((b[at] >>> (position & 7)) & 1) << i;
            }
            return value;
        }

        /** The SizeHeader's U32(Bits(9), Bits(13), Bits(18), Bits(30)): a 2-bit selector, then that many bits. */
        long u32() throws ImageFailure {
            return read(new int[] {9, 13, 18, 30}[(int) read(2)]);
        }
    }
}
