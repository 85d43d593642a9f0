package io.xceptionspark.bench;

import io.xceptionspark.image.ExifOrientation;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Makes a deterministic benchmark set: {@code count} JPEGs whose longer side is 400-900 px, cut and
 * scaled from the photos in a source folder (so decoding costs what real photos cost); with
 * {@code --phone}, phone-size JPEGs instead: each photo upscaled (bicubic) to 4032x3024 (3024x4032 if
 * portrait) and saved at quality 0.92, as a phone saves them (real phone photos carry more detail, so
 * they decode somewhat slower); every other one with EXIF orientation 6, as a phone stores a portrait photo. Usage: BenchImages SOURCE_DIR OUT_DIR COUNT [SEED] [--phone].
 */
public final class BenchImages {
    private BenchImages() {}

    public static void main(String[] args) throws IOException {
        Path source = Path.of(args[0]);
        Path out = Path.of(args[1]);
        int count = Integer.parseInt(args[2]);
        SplittableRandom random = new SplittableRandom(args.length > 3 && !args[3].startsWith("--")
                ? Long.parseLong(args[3]) : 1);
        boolean phone = List.of(args).contains("--phone");
        List<BufferedImage> photos;
        try (Stream<Path> files = Files.list(source)) {
            photos = files.sorted().map(BenchImages::readOrNull).filter(i -> i != null).toList();
        }
        Files.createDirectories(out);
        for (int i = 0; i < count; i++) {
            BufferedImage photo = photos.get(i % photos.size());
            if (phone) {
                writePhone(photo, i / photos.size() % 2 == 1, i % 2 == 1 ? 6 : 1,
                        out.resolve(String.format("phone-%04d.jpg", i)));
                continue;
            }
            int longer = 400 + random.nextInt(501);
            double scale = (double) longer / Math.max(photo.getWidth(), photo.getHeight());
            int w = Math.max(1, (int) Math.round(photo.getWidth() * scale));
            int h = Math.max(1, (int) Math.round(photo.getHeight() * scale));
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            // flip every other copy so repeated sources are not identical files
            if (i / photos.size() % 2 == 1) {
                g.drawImage(photo, w, 0, -w, h, null);
            } else {
                g.drawImage(photo, 0, 0, w, h, null);
            }
            g.dispose();
            ImageIO.write(image, "jpeg", out.resolve(String.format("bench-%04d.jpg", i)).toFile());
        }
        System.out.println("wrote " + count + (phone ? " JPEGs (4032x3024, quality 0.92) to " : " JPEGs (400-900 px) to ")
                + out);
    }

    /**
     * The photo upscaled to phone size (12 MP, its orientation kept), saved at quality 0.92; with EXIF
     * {@code orientation} 6 as a phone stores a portrait photo (the same stored pixels, shown rotated).
     */
    static void writePhone(BufferedImage photo, boolean mirrored, int orientation, Path file) throws IOException {
        boolean portrait = photo.getHeight() > photo.getWidth();
        int w = portrait ? 3024 : 4032;
        int h = portrait ? 4032 : 3024;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        if (mirrored) {
            g.drawImage(photo, w, 0, -w, h, null);
        } else {
            g.drawImage(photo, 0, 0, w, h, null);
        }
        g.dispose();
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.92f);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        Files.write(file, orientation == 1 ? bytes.toByteArray() : ExifOrientation.tagJpeg(bytes.toByteArray(), orientation));
    }

    private static BufferedImage readOrNull(Path file) {
        try {
            return ImageIO.read(file.toFile());
        } catch (IOException e) {
            return null;
        }
    }
}
