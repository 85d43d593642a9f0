package io.xceptionspark.image;

import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.imaging.tiff.TiffMetadataReader;
import com.drew.imaging.webp.WebpMetadataReader;
import com.drew.lang.ByteArrayReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;

import java.io.ByteArrayInputStream;
import java.util.List;

/**
 * EXIF orientation, read with metadata-extractor and applied as PIL's
 * {@code ImageOps.exif_transpose} does. Only the metadata blocks that can hold EXIF are handed to
 * the parser (JPEG APP1, PNG eXIf, WebP EXIF, TIFF IFD0), never compressed text chunks, so
 * metadata cannot be used as a decompression bomb. Unreadable EXIF means "no rotation", as in PIL.
 */
public final class ExifOrientation {
    private ExifOrientation() {
    }

    /** The orientation tag (1-8) of the file, or 1 when it has none or it is unreadable. */
    public static int read(ImageFormat format, byte[] bytes) {
        try {
            Metadata metadata = switch (format) {
                case JPEG -> JpegMetadataReader.readMetadata(new ByteArrayInputStream(bytes), List.of(new ExifReader()));
                case PNG -> pngExif(bytes);
                case WEBP -> WebpMetadataReader.readMetadata(new ByteArrayInputStream(bytes));
                case TIFF -> TiffMetadataReader.readMetadata(new ByteArrayReader(bytes));
                default -> null; // PIL's exif_transpose finds no EXIF in the other formats either
            };
            if (metadata == null) {
                return 1;
            }
            for (ExifIFD0Directory dir : metadata.getDirectoriesOfType(ExifIFD0Directory.class)) {
                Integer value = dir.getInteger(ExifIFD0Directory.TAG_ORIENTATION);
                if (value != null) {
                    return value >= 1 && value <= 8 ? value : 1;
                }
            }
            return 1;
        } catch (Exception | StackOverflowError e) {
            return 1;
        }
    }

    /**
     * {@code jpeg} with an EXIF APP1 segment holding only the orientation tag, right after SOI: how a phone marks
     * a photo it stored sideways (orientation 6: a portrait photo). For synthetic photos (warm-up, tests).
     */
    public static byte[] tagJpeg(byte[] jpeg, int orientation) {
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException("EXIF orientation is 1-8, not " + orientation);
        }
        byte[] tiff = {'I', 'I', 42, 0, 8, 0, 0, 0, // little-endian TIFF header, IFD0 at 8
                1, 0, // one entry
                0x12, 0x01, 3, 0, 1, 0, 0, 0, (byte) orientation, 0, 0, 0, // Orientation, SHORT, 1
                0, 0, 0, 0}; // no next IFD
        int segment = 2 + 6 + tiff.length;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(jpeg.length + segment + 2);
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(segment >> 8);
        out.write(segment & 0xFF);
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    /** Finds an eXIf chunk by walking PNG chunk headers (no decompression). */
    private static Metadata pngExif(byte[] b) {
        int pos = 8;
        while (pos + 8 <= b.length) {
            long length = ImageHeader.u32(b, pos);
            boolean exif = b[pos + 4] == 'e' && b[pos + 5] == 'X' && b[pos + 6] == 'I' && b[pos + 7] == 'f';
            if (exif && pos + 8 + length <= b.length) {
                byte[] tiff = new byte[(int) length];
                System.arraycopy(b, pos + 8, tiff, 0, tiff.length);
                Metadata metadata = new Metadata();
                new ExifReader().extract(new ByteArrayReader(tiff), metadata);
                return metadata;
            }
            if (b[pos + 4] == 'I' && b[pos + 5] == 'E' && b[pos + 6] == 'N' && b[pos + 7] == 'D') {
                return null;
            }
            pos += 12 + length;
            if (length > b.length) {
                return null;
            }
        }
        return null;
    }

    /**
     * Turns the stored picture upright for the given orientation (1-8), as PIL's exif_transpose:
     * 2 mirror, 3 rotate 180, 4 flip vertically, 5 transpose, 6 rotate 90 clockwise,
     * 7 transverse, 8 rotate 90 counter-clockwise. Orientation 1 (or anything else) returns
     * the same image. The mapping itself is {@link PackedRgb}'s, which the resampler reads through
     * without copying; this copy is for callers that want the upright picture itself.
     */
    public static RgbImage apply(RgbImage in, int orientation) {
        if (orientation < 2 || orientation > 8) {
            return in;
        }
        PackedRgb stored = PackedRgb.of(in);
        return new PackedRgb(stored.width(), stored.height(), stored.pixels(), orientation).toRgbImage();
    }
}
