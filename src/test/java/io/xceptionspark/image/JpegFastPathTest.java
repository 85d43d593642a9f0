package io.xceptionspark.image;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast JPEG path (TurboJPEG straight into packed pixels, the packed resampler reading EXIF-rotated
 * pictures through strides) against the path it replaced (ImageIO, {@link ExifOrientation#apply},
 * {@link ReferenceResampler}): byte-identical on phone-size, odd-size, grey, progressive, subsampled
 * 4:4:4 / 4:2:2 / 4:2:0 / 4:4:0 and EXIF-rotated JPEGs; CMYK, 12-bit and damaged files keep the exact path.
 *
 * <p>Needs TurboJPEG (Debian's libturbojpeg-java; scripts/test.sh installs it): without it this test
 * fails rather than pass by comparing the exact path with itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JpegFastPathTest {
    private static final PreprocessConfig CONFIG = PreprocessConfig.defaults().withDecodeTimeout(java.time.Duration.ZERO);
    private List<Named> images;

    record Named(String name, byte[] bytes) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    void makeImages() throws IOException {
        List<Named> set = new ArrayList<>();
        for (String sample : List.of("dog.jpg", "giraffe.jpg", "kitten.jpg", "kitten-progressive.jpg", "person.jpg",
                "rocket.jpg", "eagle.jpg")) {
            set.add(new Named(sample, ImageFixtures.sampleBytes(sample)));
        }
        for (String edge : List.of("hopper_gray.jpg", "hopper_orientation_6.jpg", "pil_sample_cmyk.jpg")) {
            set.add(new Named(edge, ImageFixtures.bytes("edge-images/" + edge)));
        }
        BufferedImage dog = ImageIO.read(new ByteArrayInputStream(ImageFixtures.sampleBytes("dog.jpg")));
        BufferedImage phone = scaled(dog, 4032, 3024);
        set.add(new Named("4032x3024 4:2:0", jpeg(phone, 0.92f, false, 2, 2)));
        set.add(new Named("4032x3024 rotated 6", ExifOrientation.tagJpeg(jpeg(phone, 0.92f, false, 2, 2), 6)));
        set.add(new Named("4033x3025 4:2:2 progressive", jpeg(scaled(dog, 4033, 3025), 0.92f, true, 2, 1)));
        set.add(new Named("1001x999 4:4:4", jpeg(scaled(dog, 1001, 999), 0.9f, false, 1, 1)));
        set.add(new Named("999x1001 4:4:0", jpeg(scaled(dog, 999, 1001), 0.75f, false, 1, 2)));
        set.add(new Named("333x257 progressive", jpeg(scaled(dog, 333, 257), 0.8f, true, 2, 2)));
        set.add(new Named("7x5", jpeg(scaled(dog, 7, 5), 0.9f, false, 2, 2)));
        set.add(new Named("1x1", jpeg(scaled(dog, 1, 1), 0.9f, false, 2, 2)));
        BufferedImage grey = new BufferedImage(641, 479, BufferedImage.TYPE_BYTE_GRAY);
        grey.createGraphics().drawImage(dog, 0, 0, 641, 479, null);
        set.add(new Named("641x479 grey", jpeg(grey, 0.9f, false, 1, 1)));
        set.add(new Named("641x479 grey progressive rotated 8", ExifOrientation.tagJpeg(jpeg(grey, 0.9f, true, 1, 1), 8)));
        for (int orientation = 2; orientation <= 8; orientation++) {
            set.add(new Named("517x389 rotated " + orientation,
                    ExifOrientation.tagJpeg(jpeg(scaled(dog, 517, 389), 0.85f, false, 2, 2), orientation)));
        }
        images = set;
    }

    Stream<Named> images() {
        return images.stream();
    }

    @Test
    void turboJpegIsInstalled() {
        assertNotNull(TurboJpeg.instance(), "this test compares TurboJPEG with ImageIO: install Debian's "
                + "libturbojpeg-java (scripts/test.sh does); " + TurboJpeg.status());
    }

    /** TurboJPEG's full-size pixels equal ImageIO's for every JPEG the fast path takes. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void turboJpegDecodesLikeImageIo(Named image) throws Exception {
        TurboJpeg turbo = TurboJpeg.instance();
        assertNotNull(turbo, TurboJpeg.status());
        byte[] bytes = image.bytes();
        RgbImage exact = new ImageDecoder(CONFIG, null).decode(bytes);
        JpegFastPath.Frame frame = JpegFastPath.frame(bytes);
        if (image.name().contains("cmyk")) {
            assertNull(frame, "CMYK keeps the exact path");
        } else {
            assertNotNull(frame, image + " should take the fast path");
            int orientation = ExifOrientation.read(ImageFormat.JPEG, bytes);
            RgbImage fast = turbo.decode(bytes, 1, CONFIG.maxPixels(), orientation).toRgbImage();
            assertEquals(exact.width(), fast.width());
            assertEquals(exact.height(), fast.height());
            assertArrayEquals(exact.pixels(), fast.pixels(), image + ": TurboJPEG differs from ImageIO");
        }
        assertArrayEquals(exact.pixels(), new ImageDecoder(CONFIG).decodePacked(bytes).toRgbImage().pixels());
    }

    /** The whole crop pipeline equals the old one (ImageIO, upright copy, reference resampler). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void cropEqualsTheOldPipeline(Named image) throws ImageFailure {
        RgbImage exact = new ImageDecoder(CONFIG, null).decode(image.bytes());
        CropTransform plan = CropTransform.plan(exact.width(), exact.height(), CONFIG);
        RgbImage old = ReferenceResampler.resizeCropped(exact, plan.resizeWidth(), plan.resizeHeight(),
                CONFIG.interpolation(), plan.cropX(), plan.cropY(), plan.cropWidth(), plan.cropHeight());
        RgbImage ours = new ImagePreprocessor(CONFIG).prepareRgb(image.bytes());
        assertArrayEquals(old.pixels(), ours.pixels(), image.name());
    }

    @Test
    void damagedAndUnsupportedJpegsFailAsOnTheExactPath() {
        for (String name : List.of("truncated_jpeg.jpg", "monkey12.jpg", "empty.jpg", "not-an-image.jpg")) {
            byte[] bytes = ImageFixtures.bytes("edge-images/" + name);
            ImageErrorCode exact = failure(() -> new ImageDecoder(CONFIG, null).decode(bytes));
            ImageErrorCode fast = failure(() -> new ImageDecoder(CONFIG).decodePacked(bytes));
            assertNotNull(exact, name + " should fail");
            assertEquals(exact, fast, name);
        }
    }

    /** PIL's JpegImagePlugin.draft: the largest of 8, 4, 2, 1 not above min(w // tw, h // th). */
    @Test
    void draftScaleIsPils() {
        assertEquals(8, JpegFastPath.draftScale(4032, 3024, 444, 333));
        assertEquals(8, JpegFastPath.draftScale(3024, 4032, 333, 444));
        assertEquals(4, JpegFastPath.draftScale(2000, 1500, 444, 333)); // min(4, 4)
        assertEquals(2, JpegFastPath.draftScale(1000, 3000, 333, 999)); // min(3, 3) -> 2
        assertEquals(1, JpegFastPath.draftScale(640, 427, 499, 333));
        assertEquals(4, JpegFastPath.draftScale(4032, 1000, 444, 250)); // the short side decides
    }

    /** jpeg-draft = auto decodes a phone photo at 1/8 (504x378 still covers 444x333) and stays close. */
    @Test
    void draftDecodesAtTheScalePilWouldAndStaysClose() throws ImageFailure {
        byte[] phone = images.stream().filter(i -> i.name().equals("4032x3024 rotated 6")).findFirst()
                .orElseThrow().bytes();
        PreprocessConfig draft = CONFIG.withJpegDraft(JpegDraft.AUTO);
        PackedRgb decoded = new ImageDecoder(draft).decodePacked(phone);
        assertEquals(504, decoded.width());
        assertEquals(378, decoded.height());
        assertEquals(6, decoded.orientation());
        RgbImage exact = new ImagePreprocessor(CONFIG).prepareRgb(phone);
        RgbImage drafted = new ImagePreprocessor(draft).prepareRgb(phone);
        ImageFixtures.Diff diff = ImageFixtures.diff(exact, drafted);
        assertNotEquals(0.0, diff.mean(), "a draft is not the exact path");
        assertTrue(diff.mean() < 2.0, "draft vs exact: " + diff);
    }

    /**
     * Where TurboJPEG is missing, jpeg-draft = auto says so (the run summary's note, logged once) and
     * decodes at full size: the exact path's output, not a draft's.
     */
    @Test
    void draftWithoutTurboJpegSaysSoAndIsTheExactPath() throws ImageFailure {
        byte[] phone = images.stream().filter(i -> i.name().equals("4032x3024 rotated 6")).findFirst()
                .orElseThrow().bytes();
        PreprocessConfig draft = CONFIG.withJpegDraft(JpegDraft.AUTO);
        assertTrue(ImageDecoder.draftNote(JpegDraft.AUTO, null).orElseThrow().contains("decoded at full size"));
        assertTrue(ImageDecoder.draftNote(JpegDraft.AUTO, TurboJpeg.instance()).isEmpty(), TurboJpeg.status());
        assertTrue(ImageDecoder.draftNote(JpegDraft.OFF, null).isEmpty());
        ImageDecoder withoutTurbo = new ImageDecoder(draft, null);
        PackedRgb decoded = withoutTurbo.decodePacked(phone);
        assertEquals(4032 * 3024, decoded.width() * decoded.height());
        RgbImage exact = new ImagePreprocessor(CONFIG).prepareRgb(phone);
        RgbImage fallback = new ImagePreprocessor(draft, withoutTurbo).prepareRgb(phone);
        assertArrayEquals(exact.pixels(), fallback.pixels());
    }

    @Test
    void stageTimesCountDecodeAndResize() {
        ImagePreprocessor.PrepareTimes times = new ImagePreprocessor.PrepareTimes();
        ImagePreprocessor preprocessor = new ImagePreprocessor(CONFIG);
        float[] dest = new float[CONFIG.floatsPerImage()];
        assertTrue(preprocessor.prepareInto(images.get(0).bytes(), dest, 0, times).isEmpty());
        assertTrue(preprocessor.prepareInto(new byte[] {1, 2, 3}, dest, 0, times).isPresent());
        assertEquals(1, times.images());
        assertTrue(times.decodeNanos() > 0 && times.resizeNanos() > 0, "both stages timed");
    }

    private interface Decode {
        Object run() throws ImageFailure;
    }

    private static ImageErrorCode failure(Decode decode) {
        try {
            decode.run();
            return null;
        } catch (ImageFailure e) {
            return e.code();
        }
    }

    static BufferedImage scaled(BufferedImage source, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(source, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** A JPEG from the JDK's writer with the given luma sampling factors (chroma 1x1) and scan mode. */
    static byte[] jpeg(BufferedImage image, float quality, boolean progressive, int lumaH, int lumaV) {
        try {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
            String format = "javax_imageio_jpeg_image_1.0";
            Element tree = (Element) metadata.getAsTree(format);
            NodeList components = tree.getElementsByTagName("componentSpec");
            if (components.getLength() == 3) {
                Element luma = (Element) components.item(0);
                luma.setAttribute("HsamplingFactor", Integer.toString(lumaH));
                luma.setAttribute("VsamplingFactor", Integer.toString(lumaV));
                metadata.setFromTree(format, tree);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(null, new IIOImage(image, null, metadata), param);
            }
            writer.dispose();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
