package io.xceptionspark.image;

/**
 * The container formats we decode, recognised by their leading bytes ("magic"), never by the
 * file name: a JPEG called {@code .png} is a JPEG.
 */
public enum ImageFormat {
    JPEG("jpeg"),
    PNG("png"),
    GIF("gif"),
    BMP("bmp"),
    TIFF("tiff"),
    WEBP("webp");

    private final String imageIoName;

    ImageFormat(String imageIoName) {
        this.imageIoName = imageIoName;
    }

    /** The ImageIO format name used to look up readers. */
    String imageIoName() {
        return imageIoName;
    }

    /** The format of {@code bytes}, or {@code null} if no supported format starts like this. */
    public static ImageFormat sniff(byte[] b) {
        if (b.length >= 3 && u8(b, 0) == 0xFF && u8(b, 1) == 0xD8 && u8(b, 2) == 0xFF) {
            return JPEG;
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8') && b.length >= 6 && (b[4] == '7' || b[4] == '9') && b[5] == 'a') {
            return GIF;
        }
        if (startsWith(b, 0, 'B', 'M') && b.length >= 26) {
            return BMP;
        }
        if (startsWith(b, 0, 'I', 'I', 42, 0) || startsWith(b, 0, 'M', 'M', 0, 42)
                || startsWith(b, 0, 'I', 'I', 43, 0) || startsWith(b, 0, 'M', 'M', 0, 43)) {
            return TIFF;
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return WEBP;
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int at, int... magic) {
        if (b.length < at + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (u8(b, at + i) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    static int u8(byte[] b, int i) {
        return b[i] & 0xFF;
    }
}
