package io.xceptionspark.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

import javax.imageio.IIOException;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Decodes image file bytes to upright 8-bit RGB, as PIL's
 * {@code ImageOps.exif_transpose(Image.open(f)).convert("RGB")} would, or fails with a typed
 * {@link ImageFailure}. Thread-safe; every call uses its own codec instance.
 *
 * <p>Order of work, cheapest and safest first: empty check, file-size limit, format by magic
 * bytes, header claims (pixel limit, unsupported JPEG coding) parsed from the raw bytes, the
 * codec's own header reading ({@code getWidth/getHeight}, no pixel allocation) checked again
 * against the limits, then the pixel decode, colour normalisation ({@link RgbConverter}) and EXIF
 * orientation ({@link ExifOrientation}).
 *
 * <p>Colour: embedded ICC profiles are ignored, as PIL does (see {@link JpegIccStripper}); the
 * values are what the reference pipelines feed the network.
 *
 * <p>Codecs: TwelveMonkeys ImageIO for JPEG (incl. CMYK/YCCK, progressive), TIFF, BMP and WebP;
 * the JDK's readers for PNG and GIF. GIF: the first frame only, placed on its logical screen as
 * PIL does.
 *
 * <p><b>Truncated files fail with {@link ImageErrorCode#CORRUPT}.</b> The JPEG codec would
 * silently return a picture whose missing part is filled in (it only warns "missing EOI marker" /
 * "premature end of JPEG file"); we treat that warning as an error, like PIL's default
 * ({@code LOAD_TRUNCATED_IMAGES = False}, "image file is truncated"), so the reference pipelines
 * and this one fail on the same files and no half-grey picture is ever scored. A truncated PNG,
 * GIF, TIFF or WebP makes its codec fail, which is CORRUPT too.
 */
public final class ImageDecoder {
    private static final Map<ImageFormat, ImageReaderSpi> READERS = findReaders();

    private final long maxFileBytes;
    private final long maxPixels;

    public ImageDecoder(long maxFileBytes, long maxPixels) {
        if (maxFileBytes < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxFileBytes = maxFileBytes;
        this.maxPixels = maxPixels;
    }

    public ImageDecoder(PreprocessConfig config) {
        this(config.maxFileBytes(), config.maxPixels());
    }

    /**
     * Decodes {@code bytes} to upright 8-bit RGB.
     *
     * @throws ImageFailure for any bad, unsupported or oversized image; nothing else is thrown for
     *                      bad content (codec runtime exceptions become CORRUPT)
     */
    public RgbImage decode(byte[] bytes) throws ImageFailure {
        if (bytes == null || bytes.length == 0) {
            throw new ImageFailure(ImageErrorCode.EMPTY, "file is empty (0 bytes)");
        }
        if (bytes.length > maxFileBytes) {
            throw new ImageFailure(ImageErrorCode.TOO_LARGE,
                    "file has " + bytes.length + " bytes, over the limit of " + maxFileBytes);
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new ImageFailure(ImageErrorCode.UNSUPPORTED_FORMAT,
                    "not a JPEG, PNG, GIF, BMP, TIFF or WebP file (starts with " + hexPrefix(bytes) + ")");
        }
        ImageHeader.GifLayout gif = null;
        switch (format) {
            case PNG -> ImageHeader.checkPng(bytes, maxPixels);
            case JPEG -> ImageHeader.checkJpeg(bytes, maxPixels);
            case GIF -> gif = ImageHeader.GifLayout.parse(bytes, maxPixels);
            default -> { }
        }
        RgbImage rgb;
        try {
            rgb = decodePixels(format, bytes, gif);
        } catch (ImageFailure e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            boolean unsupported = message.toLowerCase(Locale.ROOT).contains("unsupported");
            throw new ImageFailure(unsupported ? ImageErrorCode.UNSUPPORTED : ImageErrorCode.CORRUPT,
                    "cannot decode " + format + ": " + message);
        }
        return ExifOrientation.apply(rgb, ExifOrientation.read(format, bytes));
    }

    private RgbImage decodePixels(ImageFormat format, byte[] bytes, ImageHeader.GifLayout gif)
            throws IOException, ImageFailure {
        ImageReaderSpi spi = READERS.get(format);
        if (spi == null) {
            throw new ImageFailure(ImageErrorCode.UNSUPPORTED_FORMAT, "no codec installed for " + format);
        }
        byte[] input = format == ImageFormat.JPEG ? JpegIccStripper.strip(bytes) : bytes;
        ImageReader reader = spi.createReaderInstance();
        try (ByteArrayImageInputStream in = new ByteArrayImageInputStream(input)) {
            reader.setInput(in, true, true);
            ImageHeader.checkPixels(reader.getWidth(0), reader.getHeight(0), maxPixels, format + " header");
            List<String> warnings = new ArrayList<>(2);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image = reader.read(0);
            if (format == ImageFormat.JPEG) {
                for (String warning : warnings) {
                    String w = warning.toLowerCase(Locale.ROOT);
                    if (w.contains("truncated") || w.contains("premature end")) {
                        throw new ImageFailure(ImageErrorCode.CORRUPT, "truncated JPEG: " + warning);
                    }
                }
            }
            RgbImage rgb = RgbConverter.toRgb(image);
            return gif == null ? rgb : placeOnGifCanvas(rgb, image, gif);
        } finally {
            reader.dispose();
        }
    }

    /** PIL shows a GIF's first frame on its (possibly grown) logical screen. */
    private static RgbImage placeOnGifCanvas(RgbImage frame, BufferedImage decoded, ImageHeader.GifLayout gif) {
        if (gif.left() == 0 && gif.top() == 0 && gif.canvasWidth() == frame.width()
                && gif.canvasHeight() == frame.height()) {
            return frame;
        }
        int fill = 0;
        if (decoded.getColorModel() instanceof IndexColorModel icm) {
            int index = gif.transparentIndex() >= 0 ? gif.transparentIndex() : 0;
            fill = index < icm.getMapSize() ? icm.getRGB(index) : 0;
        }
        int cw = gif.canvasWidth();
        int ch = gif.canvasHeight();
        byte[] canvas = new byte[3 * cw * ch];
        for (int i = 0; i < canvas.length; i += 3) {
            canvas[i] = (byte) (fill >> 16);
            canvas[i + 1] = (byte) (fill >> 8);
            canvas[i + 2] = (byte) fill;
        }
        int copyW = Math.min(frame.width(), cw - gif.left());
        int copyH = Math.min(frame.height(), ch - gif.top());
        for (int y = 0; y < copyH; y++) {
            System.arraycopy(frame.pixels(), 3 * y * frame.width(), canvas,
                    3 * ((gif.top() + y) * cw + gif.left()), 3 * copyW);
        }
        return new RgbImage(cw, ch, canvas);
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return s.toString();
    }

    /**
     * Registers the TwelveMonkeys readers explicitly (they are normally found through
     * META-INF/services, which can miss when ImageIO was initialised by another class loader, as
     * in Spark executors) and picks one reader per format, so decoding does not depend on
     * registry order.
     */
    private static Map<ImageFormat, ImageReaderSpi> findReaders() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        Map<ImageFormat, ImageReaderSpi> readers = new EnumMap<>(ImageFormat.class);
        readers.put(ImageFormat.JPEG, registered(registry, new com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi()));
        readers.put(ImageFormat.TIFF, registered(registry, new com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi()));
        readers.put(ImageFormat.BMP, registered(registry, new com.twelvemonkeys.imageio.plugins.bmp.BMPImageReaderSpi()));
        readers.put(ImageFormat.WEBP, registered(registry, new com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi()));
        for (ImageFormat format : List.of(ImageFormat.PNG, ImageFormat.GIF)) {
            Iterator<ImageReaderSpi> it = registry.getServiceProviders(ImageReaderSpi.class,
                    spi -> List.of(((ImageReaderSpi) spi).getFormatNames()).contains(format.imageIoName()), true);
            ImageReaderSpi chosen = null;
            while (it.hasNext()) {
                ImageReaderSpi spi = it.next();
                if (chosen == null || spi.getClass().getName().startsWith("com.sun.imageio.")) {
                    chosen = spi; // the JDK's own PNG/GIF readers are the reference here
                }
            }
            if (chosen != null) {
                readers.put(format, chosen);
            }
        }
        return readers;
    }

    private static <T extends ImageReaderSpi> ImageReaderSpi registered(IIORegistry registry, T fresh) {
        synchronized (registry) {
            @SuppressWarnings("unchecked")
            T existing = (T) registry.getServiceProviderByClass(fresh.getClass());
            if (existing != null) {
                return existing;
            }
            registry.registerServiceProvider(fresh);
            return fresh;
        }
    }
}
