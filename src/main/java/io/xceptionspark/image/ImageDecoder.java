package io.xceptionspark.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;

import javax.imageio.IIOException;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p>Codecs: TwelveMonkeys ImageIO for JPEG (incl. CMYK/YCCK, progressive), TIFF, BMP, WebP, PNM,
 * TGA, ICNS, IFF, PCX/DCX, PICT, SGI, PSD, HDR and DDS (uncompressed and DXT1, see
 * {@link ImageHeader#checkDds}); the JDK's readers for PNG and GIF, and
 * for the BMPs TwelveMonkeys rejects (e.g. a planes field other than 1, which PIL ignores); JPEG 2000
 * through jai-imageio-jpeg2000 when it is on the class path (optional, see docs/IMAGES.md). GIF: the
 * first frame only, placed on its logical screen as PIL does. ICO and CUR: the picture PIL shows,
 * cut out by {@link IconEntry} and decoded as the PNG or BMP it is. ICNS: the largest picture, as
 * PIL shows. PSD: the merged image. HEIC/HEIF, AVIF and JPEG XL: libheif and libjxl through libvips'
 * command-line tool in a child process per image, where the machine has it ({@link VipsDecoder}).
 *
 * <p>Every decode runs under a {@link DecodeDeadline}; an image over it fails with
 * {@link ImageErrorCode#TIMEOUT}.
 *
 * <p><b>Truncated files fail with {@link ImageErrorCode#CORRUPT}.</b> The JPEG codec would
 * silently return a picture whose missing part is filled in (it only warns "missing EOI marker" /
 * "premature end of JPEG file"); we treat that warning as an error, like PIL's default
 * ({@code LOAD_TRUNCATED_IMAGES = False}, "image file is truncated"), so the reference pipelines
 * and this one fail on the same files and no half-grey picture is ever scored. A truncated PNG,
 * GIF, TIFF or WebP makes its codec fail, which is CORRUPT too.
 */
public final class ImageDecoder {
    /** The optional JPEG 2000 codec, looked up by name so that the product builds and runs without it. */
    static final String JPEG2000_SPI = "com.github.jaiimageio.jpeg2000.impl.J2KImageReaderSpi";
    private static final Map<ImageFormat, List<ImageReaderSpi>> READERS = findReaders();
    /** Formats holding several pictures of one icon, of which PIL shows the largest (ICO/CUR: see {@link IconEntry}). */
    private static final Set<ImageFormat> LARGEST_PICTURE = EnumSet.of(ImageFormat.ICNS);
    /** Formats decoded by libvips' command-line tool in a child process ({@link VipsDecoder}). */
    static final Set<ImageFormat> VIPS_FORMATS = EnumSet.of(ImageFormat.HEIF, ImageFormat.AVIF, ImageFormat.JPEG_XL);
    /**
     * Most bytes a decoded picture's PNG may take per declared pixel: 4 channels of 16 bits (RGBA64), plus
     * the row filter bytes and the zlib stored-block headers (5 bytes per 64 KiB), with room to spare.
     */
    private static final long PNG_BYTES_PER_PIXEL = 9;

    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);
    private static final AtomicBoolean DRAFT_NOTE_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean PATHS_LOGGED = new AtomicBoolean();

    private final long maxFileBytes;
    private final long maxPixels;
    private final DecodeDeadline deadline;
    /** The preprocessing whose resize target a JPEG draft must cover; null: no draft decoding. */
    private final PreprocessConfig draftFor;
    /** The JPEG fast path ({@link #decodePacked}); null: the exact ImageIO path only. */
    private final TurboJpeg turbo;
    /** The HEIC/AVIF/JPEG XL decoder. */
    private final VipsDecoder vips;

    ImageDecoder(long maxFileBytes, long maxPixels, Duration decodeTimeout, PreprocessConfig draftFor,
                 TurboJpeg turbo, VipsDecoder vips) {
        if (maxFileBytes < 1 || maxPixels < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxFileBytes = maxFileBytes;
        this.maxPixels = maxPixels;
        this.deadline = new DecodeDeadline(decodeTimeout);
        this.draftFor = draftFor;
        this.turbo = turbo;
        this.vips = vips;
    }

    public ImageDecoder(long maxFileBytes, long maxPixels, Duration decodeTimeout) {
        this(maxFileBytes, maxPixels, decodeTimeout, null, TurboJpeg.instance(), VipsDecoder.onPath());
    }

    /** With a given HEIC/AVIF/JPEG XL decoder (tests: a missing or misbehaving one). */
    ImageDecoder(long maxFileBytes, long maxPixels, Duration decodeTimeout, VipsDecoder vips) {
        this(maxFileBytes, maxPixels, decodeTimeout, null, TurboJpeg.instance(), vips);
    }

    public ImageDecoder(long maxFileBytes, long maxPixels) {
        this(maxFileBytes, maxPixels, PreprocessConfig.DEFAULT_DECODE_TIMEOUT);
    }

    /** With {@code config}'s limits and its {@code jpeg-draft} setting (draft decoding targets its resize). */
    public ImageDecoder(PreprocessConfig config) {
        this(config, TurboJpeg.instance());
    }

    /** {@code turbo} null: never TurboJPEG, the exact ImageIO path for every file (tests compare the two). */
    ImageDecoder(PreprocessConfig config, TurboJpeg turbo) {
        this(config.maxFileBytes(), config.maxPixels(), config.decodeTimeout(),
                config.jpegDraft() == JpegDraft.AUTO ? config : null, turbo, VipsDecoder.onPath());
        if (PATHS_LOGGED.compareAndSet(false, true)) {
            // once per JVM (each executor's log): which fast paths this JVM has, and why not
            LOG.info("JPEG decoding: {}; resampler Vector API: {}", TurboJpeg.status(), SimdSupport.status());
        }
        Optional<String> note = draftNote(config.jpegDraft(), turbo);
        if (note.isPresent() && DRAFT_NOTE_LOGGED.compareAndSet(false, true)) {
            LOG.warn(note.get()); // once per JVM: every task makes decoders
        }
    }

    /**
     * What a run with this {@code jpeg-draft} setting should tell the user about this JVM's JPEG decoding:
     * empty when it does what was asked, else one sentence (draft asked for but no DCT-scaling decoder).
     */
    public static Optional<String> jpegDraftNote(JpegDraft draft) {
        return draftNote(draft, TurboJpeg.instance());
    }

    /** The same for a decoder with {@code turbo} (null: none). */
    static Optional<String> draftNote(JpegDraft draft, TurboJpeg turbo) {
        if (draft != JpegDraft.AUTO || turbo != null) {
            return Optional.empty();
        }
        String why = TurboJpeg.instance() == null ? TurboJpeg.status() : "this decoder does not use TurboJPEG";
        return Optional.of("preprocess.jpeg-draft = auto, but no DCT-scaling JPEG decoder is installed: "
                + why + ". JPEGs are decoded at full size (the exact path).");
    }

    /** Which JPEG decoder {@link #decodePacked} uses in this JVM (for logs and run summaries). */
    public static String jpegDecoder() {
        return TurboJpeg.status();
    }

    /** Whether this class path (or, for HEIC/AVIF/JPEG XL, this machine's PATH) has a codec for {@code format}. */
    public static boolean decodes(ImageFormat format) {
        return VIPS_FORMATS.contains(format) ? VipsDecoder.onPath().available() : READERS.containsKey(format);
    }

    /**
     * Decodes {@code bytes} to upright 8-bit RGB.
     *
     * @throws ImageFailure for any bad, unsupported or oversized image; nothing else is thrown for
     *                      bad content (codec runtime exceptions become CORRUPT)
     */
    public RgbImage decode(byte[] bytes) throws ImageFailure {
        ImageFormat format = checkFile(bytes);
        if (VIPS_FORMATS.contains(format)) {
            return decodeWithVips(format, bytes); // upright: the container's own transforms applied, as pillow-heif
        }
        return ExifOrientation.apply(decodeStored(format, bytes), ExifOrientation.read(format, bytes));
    }

    /**
     * Decodes {@code bytes} for resizing: the same pixels as {@link #decode}, packed and in stored
     * orientation (the resampler reads them upright without a copy). JPEGs that {@link JpegFastPath}
     * takes are decoded by TurboJPEG where it is installed, straight into the packed layout, and with
     * {@code jpeg-draft = auto} at the DCT scale PIL's draft would choose for the resize target; every
     * other file, and any JPEG TurboJPEG fails or warns on, goes the exact ImageIO path.
     *
     * @throws ImageFailure as {@link #decode}
     */
    public PackedRgb decodePacked(byte[] bytes) throws ImageFailure {
        ImageFormat format = checkFile(bytes);
        if (VIPS_FORMATS.contains(format)) {
            return PackedRgb.of(decodeWithVips(format, bytes));
        }
        int orientation = ExifOrientation.read(format, bytes);
        JpegFastPath.Frame frame = format == ImageFormat.JPEG && turbo != null ? JpegFastPath.frame(bytes) : null;
        if (frame != null) {
            ImageHeader.checkJpeg(bytes, maxPixels);
            int scale = draftScale(frame, orientation);
            try {
                return deadline.run(abort -> turbo.decode(bytes, scale, maxPixels, orientation));
            } catch (TurboJpeg.NotDecoded e) {
                // a damaged file: the exact path below reports it (or decodes it) as it always did
            } catch (IOException e) {
                throw new ImageFailure(ImageErrorCode.CORRUPT, "cannot decode JPEG: " + e.getMessage());
            }
        }
        RgbImage stored = decodeStored(format, bytes);
        return new PackedRgb(stored.width(), stored.height(), PackedRgb.of(stored).pixels(), orientation);
    }

    /** 1 (full size), or PIL's draft scale for the resize target of the upright picture. */
    private int draftScale(JpegFastPath.Frame frame, int orientation) {
        if (draftFor == null) {
            return 1;
        }
        boolean transposed = orientation >= 5 && orientation <= 8;
        int w = transposed ? frame.height() : frame.width();
        int h = transposed ? frame.width() : frame.height();
        try {
            CropTransform plan = CropTransform.plan(w, h, draftFor);
            return JpegFastPath.draftScale(w, h, plan.resizeWidth(), plan.resizeHeight());
        } catch (IllegalArgumentException e) {
            return 1; // no plan for this shape: the preprocessor reports it after a full-size decode
        }
    }

    /** The checks every file passes before any decoding: size, format, a codec for it. */
    private ImageFormat checkFile(byte[] bytes) throws ImageFailure {
        if (bytes == null || bytes.length == 0) {
            throw new ImageFailure(ImageErrorCode.EMPTY, "file is empty (0 bytes)");
        }
        if (bytes.length > maxFileBytes) {
            throw new ImageFailure(ImageErrorCode.TOO_LARGE,
                    "file has " + bytes.length + " bytes, over the limit of " + maxFileBytes);
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new ImageFailure(ImageErrorCode.UNSUPPORTED_FORMAT, "not an image format we recognise (starts with "
                    + hexPrefix(bytes) + "); docs/IMAGES.md lists the formats decoded");
        }
        if (!VIPS_FORMATS.contains(format) && !READERS.containsKey(format)) {
            throw new ImageFailure(ImageErrorCode.UNSUPPORTED_FORMAT, format.displayName() + " image: no decoder"
                    + (format == ImageFormat.JPEG2000 ? " (the optional jai-imageio-jpeg2000 codec is not on the"
                    + " class path; see docs/IMAGES.md)" : ""));
        }
        return format;
    }

    /** The exact path: header checks, then the ImageIO codecs; the picture in stored orientation. */
    private RgbImage decodeStored(ImageFormat format, byte[] bytes) throws ImageFailure {
        ImageHeader.GifLayout gif = null;
        switch (format) {
            case PNG -> ImageHeader.checkPng(bytes, maxPixels);
            case JPEG -> ImageHeader.checkJpeg(bytes, maxPixels);
            case GIF -> gif = ImageHeader.GifLayout.parse(bytes, maxPixels);
            case JPEG2000 -> ImageHeader.checkJpeg2000(bytes, maxPixels);
            case IFF -> ImageHeader.checkIff(bytes);
            case DDS -> ImageHeader.checkDds(bytes, maxPixels);
            default -> { }
        }
        final ImageHeader.GifLayout layout = gif;
        RgbImage rgb;
        try {
            rgb = deadline.run(abort -> switch (format) {
                case ICO, CUR -> decodeIcon(format, bytes, abort);
                case DIB -> decodeWithFallback(format, READERS.get(format), DibFile.toBmp(bytes, 0, false, "DIB file"),
                        null, abort);
                default -> decodeWithFallback(format, READERS.get(format), bytes, layout, abort);
            });
        } catch (IOException e) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "cannot decode " + format.displayName() + ": " + e.getMessage());
        }
        return rgb;
    }

    /**
     * HEIC/HEIF, AVIF, JPEG XL: the size the container declares is checked first, then the decoder child
     * process runs under the deadline and its PNG is read as a PNG file is. No EXIF orientation afterwards:
     * the decoder applied the container's transforms (HEIF irot/imir, the JPEG XL codestream's orientation),
     * which are authoritative; EXIF in these files only repeats them (see {@link VipsDecoder}).
     */
    private RgbImage decodeWithVips(ImageFormat format, byte[] bytes) throws ImageFailure {
        HeifHeader.Size size = format == ImageFormat.JPEG_XL ? JxlHeader.read(bytes)
                : HeifHeader.read(bytes, format.displayName(), maxPixels);
        ImageHeader.checkPixels(size.width(), size.height(), maxPixels, format.displayName() + " header");
        if (!vips.available()) {
            throw vips.missing(format);
        }
        long maxPng = PNG_BYTES_PER_PIXEL * size.width() * size.height() + 8 * size.height() + 65_536;
        List<ImageReaderSpi> png = READERS.get(ImageFormat.PNG);
        try {
            return deadline.run(abort -> {
                byte[] decoded = vips.decodeToPng(bytes, format, size.width() * size.height(), maxPng, abort);
                ImageHeader.checkPng(decoded, maxPixels);
                return decodeWithFallback(format, png, decoded, null, abort);
            });
        } catch (IOException e) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, "cannot decode " + format.displayName() + ": " + e.getMessage());
        }
    }

    /** ICO/CUR: the picture PIL shows, decoded by the PNG or BMP codecs (see {@link IconEntry}). */
    private RgbImage decodeIcon(ImageFormat format, byte[] bytes, DecodeDeadline.Abort abort) throws ImageFailure {
        IconEntry entry = IconEntry.select(bytes, format == ImageFormat.CUR);
        if (entry.png()) {
            ImageHeader.checkPng(entry.bytes(), maxPixels);
        }
        List<ImageReaderSpi> codecs = READERS.get(entry.png() ? ImageFormat.PNG : format);
        return decodeWithFallback(format, codecs, entry.bytes(), null, abort);
    }

    /**
     * Tries the codecs in order; the first one's failure is reported if all fail. {@code format}
     * names the file's format in messages.
     */
    private RgbImage decodeWithFallback(ImageFormat format, List<ImageReaderSpi> codecs, byte[] bytes,
                                        ImageHeader.GifLayout gif, DecodeDeadline.Abort abort) throws ImageFailure {
        ImageFailure first = null;
        for (ImageReaderSpi spi : codecs) {
            try {
                return decodePixels(spi, format, bytes, gif, abort);
            } catch (ImageFailure e) {
                if (e.code() != ImageErrorCode.CORRUPT && e.code() != ImageErrorCode.UNSUPPORTED) {
                    throw e; // limits are the same whichever codec reads the header
                }
                first = first == null ? e : first;
            } catch (IOException | RuntimeException | StackOverflowError | AssertionError | ThreadDeath e) {
                // (jj2000 throws ThreadDeath on some damaged JPEG 2000 files; deep recursion in a codec is a
                // bad file too. OutOfMemoryError is left to ImagePreprocessor, which reports TOO_LARGE.)
                String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                String lower = message.toLowerCase(Locale.ROOT);
                boolean unsupported = lower.contains("unsupported") || lower.contains("unknown tiff compression")
                        || lower.contains("not supported");
                ImageFailure failure = new ImageFailure(unsupported ? ImageErrorCode.UNSUPPORTED : ImageErrorCode.CORRUPT,
                        "cannot decode " + format.displayName() + ": " + message);
                first = first == null ? failure : first;
            }
            if (abort.requested()) {
                break;
            }
        }
        throw first;
    }

    private RgbImage decodePixels(ImageReaderSpi spi, ImageFormat format, byte[] bytes, ImageHeader.GifLayout gif,
                                  DecodeDeadline.Abort abort) throws IOException, ImageFailure {
        byte[] input = format == ImageFormat.JPEG ? JpegIccStripper.strip(bytes) : bytes;
        ImageReader reader = spi.createReaderInstance();
        abort.register(reader);
        try (ByteArrayImageInputStream in = new ByteArrayImageInputStream(input)) {
            reader.setInput(in, !LARGEST_PICTURE.contains(format), true);
            int index = LARGEST_PICTURE.contains(format) ? largestPicture(reader, format) : 0;
            ImageHeader.checkPixels(reader.getWidth(index), reader.getHeight(index), maxPixels,
                    format.displayName() + " header");
            List<String> warnings = new ArrayList<>(2);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            BufferedImage image = reader.read(index);
            if (abort.requested()) {
                throw new ImageFailure(ImageErrorCode.TIMEOUT, "decode aborted");
            }
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

    /**
     * The picture PIL shows for an icon file: the largest by area (PIL's ICO and ICNS plugins pick
     * the largest size); the first of equal sizes. Every picture's header is size-checked here,
     * before any pixels are read.
     */
    private int largestPicture(ImageReader reader, ImageFormat format) throws IOException, ImageFailure {
        int count = reader.getNumImages(true);
        if (count < 1) {
            throw new ImageFailure(ImageErrorCode.CORRUPT, format.displayName() + " file holds no picture");
        }
        int best = 0;
        long bestArea = -1;
        for (int i = 0; i < Math.min(count, 1024); i++) {
            long area = (long) reader.getWidth(i) * reader.getHeight(i);
            if (area > bestArea) {
                best = i;
                bestArea = area;
            }
        }
        return best;
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
     * in Spark executors) and fixes the codecs of each format and their order, so decoding does
     * not depend on registry order.
     */
    private static Map<ImageFormat, List<ImageReaderSpi>> findReaders() {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        Map<ImageFormat, List<ImageReaderSpi>> readers = new EnumMap<>(ImageFormat.class);
        readers.put(ImageFormat.JPEG, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi())));
        readers.put(ImageFormat.TIFF, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.tiff.TIFFImageReaderSpi())));
        readers.put(ImageFormat.WEBP, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi())));
        readers.put(ImageFormat.PNM, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.pnm.PNMImageReaderSpi()),
                registered(registry, new com.twelvemonkeys.imageio.plugins.pnm.PAMImageReaderSpi())));
        readers.put(ImageFormat.TGA, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.tga.TGAImageReaderSpi())));
        readers.put(ImageFormat.ICNS, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.icns.ICNSImageReaderSpi())));
        readers.put(ImageFormat.IFF, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.iff.IFFImageReaderSpi())));
        readers.put(ImageFormat.PCX, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.pcx.PCXImageReaderSpi())));
        readers.put(ImageFormat.DCX, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.dcx.DCXImageReaderSpi())));
        readers.put(ImageFormat.PICT, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.pict.PICTImageReaderSpi())));
        readers.put(ImageFormat.SGI, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.sgi.SGIImageReaderSpi())));
        readers.put(ImageFormat.PSD, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.psd.PSDImageReaderSpi())));
        readers.put(ImageFormat.HDR, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.hdr.HDRImageReaderSpi())));
        readers.put(ImageFormat.DDS, List.of(registered(registry, new com.twelvemonkeys.imageio.plugins.dds.DDSImageReaderSpi())));
        ImageReaderSpi jdkBmp = jdkReader(registry, "bmp");
        ImageReaderSpi bmp = registered(registry, new com.twelvemonkeys.imageio.plugins.bmp.BMPImageReaderSpi());
        readers.put(ImageFormat.BMP, jdkBmp == null ? List.of(bmp) : List.of(bmp, jdkBmp));
        // ICO/CUR pictures are PNG or BMP data (IconEntry); these are the codecs of their BMP pictures
        readers.put(ImageFormat.ICO, readers.get(ImageFormat.BMP));
        readers.put(ImageFormat.CUR, readers.get(ImageFormat.BMP));
        readers.put(ImageFormat.DIB, readers.get(ImageFormat.BMP));
        for (ImageFormat format : List.of(ImageFormat.PNG, ImageFormat.GIF)) {
            ImageReaderSpi jdk = jdkReader(registry, format.name().toLowerCase(Locale.ROOT));
            if (jdk != null) {
                readers.put(format, List.of(jdk)); // the JDK's own PNG/GIF readers are the reference here
            }
        }
        ImageReaderSpi jpeg2000 = optional(registry, JPEG2000_SPI);
        if (jpeg2000 != null) {
            readers.put(ImageFormat.JPEG2000, List.of(jpeg2000));
        }
        return readers;
    }

    /** The JDK's reader for an ImageIO format name, or null. */
    private static ImageReaderSpi jdkReader(IIORegistry registry, String formatName) {
        Iterator<ImageReaderSpi> it = registry.getServiceProviders(ImageReaderSpi.class,
                spi -> List.of(((ImageReaderSpi) spi).getFormatNames()).contains(formatName), true);
        while (it.hasNext()) {
            ImageReaderSpi spi = it.next();
            if (spi.getClass().getName().startsWith("com.sun.imageio.")) {
                return spi;
            }
        }
        return null;
    }

    /**
     * A reader from an optional library, registered if its class is on the class path, else null.
     * The thread's context class loader is asked first: Spark puts jars added with {@code spark.jars}
     * / {@code --jars} there, not on the loader of this class.
     */
    private static ImageReaderSpi optional(IIORegistry registry, String className) {
        for (ClassLoader loader : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
                ImageDecoder.class.getClassLoader()}) {
            if (loader == null) {
                continue;
            }
            try {
                Class<?> type = Class.forName(className, true, loader);
                return registered(registry, (ImageReaderSpi) type.getConstructor().newInstance());
            } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
                // not on this loader
            }
        }
        return null;
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
