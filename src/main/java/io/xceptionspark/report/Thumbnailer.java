package io.xceptionspark.report;

import io.xceptionspark.image.ImageDecoder;
import io.xceptionspark.image.ImageFailure;
import io.xceptionspark.image.RgbImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Image bytes to a small JPEG thumbnail as a {@code data:} URI (so the report needs no other file).
 * Decodes with the job's own {@link ImageDecoder} (every format, EXIF orientation, the same size limits, so a
 * decompression bomb is refused before it allocates); for a damaged file it then tries a lenient read, which
 * keeps the decoded part of a truncated JPEG. Box-filter downscaling: cheap and without aliasing.
 */
public final class Thumbnailer implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final float JPEG_QUALITY = 0.82f;

    private final int size;
    private final long maxFileBytes;
    private final long maxPixels;

    /** Thumbnails fitting {@code size x size}; files over the limits get none. */
    public Thumbnailer(int size, long maxFileBytes, long maxPixels) {
        if (size < 8) {
            throw new IllegalArgumentException("thumbnail size must be >= 8");
        }
        this.size = size;
        this.maxFileBytes = maxFileBytes;
        this.maxPixels = maxPixels;
    }

    /** Larger files get no thumbnail (and are not read). */
    public long maxFileBytes() {
        return maxFileBytes;
    }

    /** The thumbnail, or empty when not even part of the picture decodes. Never throws for bad bytes. */
    public Optional<String> dataUri(byte[] bytes) {
        if (bytes == null || bytes.length == 0 || bytes.length > maxFileBytes) {
            return Optional.empty();
        }
        try {
            RgbImage rgb;
            try {
                rgb = new ImageDecoder(maxFileBytes, maxPixels).decode(bytes);
            } catch (ImageFailure e) {
                rgb = lenient(bytes);
            }
            return rgb == null ? Optional.empty() : Optional.of("data:image/jpeg;base64,"
                    + Base64.getEncoder().encodeToString(jpeg(downscale(rgb))));
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            return Optional.empty();
        }
    }

    /** Whatever ImageIO's own readers make of the bytes (a truncated JPEG: the rows before the cut). */
    private RgbImage lenient(byte[] bytes) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long w = reader.getWidth(0);
                long h = reader.getHeight(0);
                if (w < 1 || h < 1 || w * h > maxPixels) {
                    return null;
                }
                ImageReadParam param = reader.getDefaultReadParam();
                int step = (int) Math.max(1, Math.max(w, h) / (2L * size));
                param.setSourceSubsampling(step, step, 0, 0);
                return toRgb(reader.read(0, param));
            } catch (IOException | RuntimeException e) {
                return null;
            } finally {
                reader.dispose();
            }
        }
    }

    private static RgbImage toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] px = new byte[3 * w * h];
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            px[3 * i] = (byte) (argb[i] >> 16);
            px[3 * i + 1] = (byte) (argb[i] >> 8);
            px[3 * i + 2] = (byte) argb[i];
        }
        return new RgbImage(w, h, px);
    }

    /** Fits the picture into size x size, each output pixel the mean of the source pixels it covers. */
    BufferedImage downscale(RgbImage src) {
        double scale = Math.min(1.0, (double) size / Math.max(src.width(), src.height()));
        int w = Math.max(1, (int) Math.round(src.width() * scale));
        int h = Math.max(1, (int) Math.round(src.height() * scale));
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            int y0 = (int) ((long) y * src.height() / h);
            int y1 = Math.max(y0 + 1, (int) ((long) (y + 1) * src.height() / h));
            for (int x = 0; x < w; x++) {
                int x0 = (int) ((long) x * src.width() / w);
                int x1 = Math.max(x0 + 1, (int) ((long) (x + 1) * src.width() / w));
                long r = 0;
                long g = 0;
                long b = 0;
                for (int sy = y0; sy < y1; sy++) {
                    int row = sy * src.width();
                    for (int sx = x0; sx < x1; sx++) {
                        int i = 3 * (row + sx);
                        r += src.pixels()[i] & 0xFF;
                        g += src.pixels()[i + 1] & 0xFF;
                        b += src.pixels()[i + 2] & 0xFF;
                    }
                }
                long n = (long) (y1 - y0) * (x1 - x0);
                out.setRGB(x, y, (int) (r / n) << 16 | (int) (g / n) << 8 | (int) (b / n));
            }
        }
        return out;
    }

    private static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(JPEG_QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
