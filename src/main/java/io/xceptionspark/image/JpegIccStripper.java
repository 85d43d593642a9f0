package io.xceptionspark.image;

import java.io.ByteArrayOutputStream;

import static io.xceptionspark.image.ImageFormat.u8;

/**
 * Removes embedded ICC profiles (APP2 "ICC_PROFILE" segments) from a JPEG before decoding.
 *
 * <p>Why: PIL (hence Keras' {@code load_img} and timm) never applies a JPEG's ICC profile; it
 * hands the network libjpeg's plain YCbCr-to-RGB (or naive CMYK-to-RGB) values, and the network's
 * weights were trained on those. TwelveMonkeys would convert to sRGB through the profile, which
 * moves colours by several levels (mean 5 on a test photo), so we let it see no profile and it
 * decodes exactly like libjpeg (bit-identical on the fixtures).
 */
final class JpegIccStripper {
    private JpegIccStripper() {
    }

    /** {@code jpeg} without its ICC_PROFILE segments; the same array if it has none. */
    static byte[] strip(byte[] jpeg) {
        int pos = 2;
        ByteArrayOutputStream out = null;
        int copiedUpTo = 0;
        while (pos + 4 <= jpeg.length && u8(jpeg, pos) == 0xFF) {
            int marker = u8(jpeg, pos + 1);
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9 || marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                break; // scan data follows, nothing more to strip
            }
            int length = (u8(jpeg, pos + 2) << 8) | u8(jpeg, pos + 3);
            int end = pos + 2 + length;
            if (length < 2 || end > jpeg.length) {
                break; // malformed: leave it to the codec to complain
            }
            if (marker == 0xE2 && isIcc(jpeg, pos + 4, end)) {
                if (out == null) {
                    out = new ByteArrayOutputStream(jpeg.length);
                }
                out.write(jpeg, copiedUpTo, pos - copiedUpTo);
                copiedUpTo = end;
            }
            pos = end;
        }
        if (out == null) {
            return jpeg;
        }
        out.write(jpeg, copiedUpTo, jpeg.length - copiedUpTo);
        return out.toByteArray();
    }

    private static boolean isIcc(byte[] b, int at, int end) {
        byte[] id = {'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0};
        if (at + id.length > end) {
            return false;
        }
        for (int i = 0; i < id.length; i++) {
            if (b[at + i] != id[i]) {
                return false;
            }
        }
        return true;
    }
}
