package io.xceptionspark.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The formats added through ImageIO plugins, against PIL 9.4's {@code exif_transpose(...).convert("RGB")}
 * of the same files ({@code src/test/data/fixtures/formats}, see its README), and the formats left
 * undecoded, which must fail naming the format they were recognised as.
 */
class FormatFixtureTest {
    private static final String DIR = "fixtures/formats/";
    /** Lossless 8-bit data: the bar, mean |diff| at most one level in 255. */
    private static final double LOSSLESS = 1.0 / 255;
    private final ImageDecoder decoder = new ImageDecoder(PreprocessConfig.defaults());

    /**
     * File, format it is sniffed as, tolerated mean |diff| and max |diff| (in 8-bit levels). All
     * are lossless and bit-identical to PIL.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "200x32_rgba_tl_rle.tga, TGA, 0.0040, 0",
            "tga_id_field.tga, TGA, 0.0040, 0",
            "hopper.ppm, PNM, 0.0040, 0",
            "hopper_8bit.pgm, PNM, 0.0040, 0",
            "hopper_1bit.pbm, PNM, 0.0040, 0",
            "hopper.psd, PSD, 0.0040, 0",
            "hopper_merged.psd, PSD, 0.0040, 0",
            "hopper.ico, ICO, 0.0040, 0",
            "hopper_draw.ico, ICO, 0.0040, 0",
            "hopper_mask.ico, ICO, 0.0040, 0",
            "mask_1.cur, CUR, 0.0040, 0",
            "pillow.icns, ICNS, 0.0040, 0",
            "hopper.rgb, SGI, 0.0040, 0",
            "hopper.bw, SGI, 0.0040, 0",
            "p_4_planes.pcx, PCX, 0.0040, 0",
            "hopper.dcx, DCX, 0.0040, 0",
            "badplanes.bmp, BMP, 0.0040, 0",
            "clipboard.dib, DIB, 0.0040, 0",
            "hopper.dds, DDS, 0.0040, 0",
            // JPEG 2000 through the optional codec (on the test class path): lossless files, 8 and 9 bit
            "test-card-lossless.jp2, JPEG2000, 0.0040, 0",
            "rgb_trns_ycbc.jp2, JPEG2000, 0.0040, 0",
            "9bit.j2k, JPEG2000, 0.0040, 0",
    })
    void decodesLikePil(String file, ImageFormat format, double maxMean, int maxDiff) throws ImageFailure {
        byte[] bytes = ImageFixtures.bytes(DIR + file);
        assertEquals(format, ImageFormat.sniff(bytes), file);
        RgbImage ours = decoder.decode(bytes);
        ImageFixtures.Diff diff = ImageFixtures.diff(ours, ImageFixtures.referencePng(DIR + "decoded/" + file + ".png"));
        System.out.println("formats " + file + ": " + diff);
        assertTrue(diff.mean() <= maxMean && diff.max() <= maxDiff, file + ": " + diff);
    }

    /**
     * The known difference, with its bound. 16-bit gray JPEG 2000: PIL's mode "I;16" conversion
     * clips at 255, we keep the high byte (the same documented choice as for 16-bit gray PNG).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "issue_6194.j2k, JPEG2000, 30.0",
    })
    void documentedDifferencesStayBounded(String file, ImageFormat format, double maxMean) throws ImageFailure {
        byte[] bytes = ImageFixtures.bytes(DIR + file);
        assertEquals(format, ImageFormat.sniff(bytes), file);
        RgbImage ours = decoder.decode(bytes);
        ImageFixtures.Diff diff = ImageFixtures.diff(ours, ImageFixtures.referencePng(DIR + "decoded/" + file + ".png"));
        System.out.println("formats (documented difference) " + file + ": " + diff);
        assertTrue(diff.mean() <= maxMean, file + ": " + diff);
    }

    /** Formats PIL reads that we recognise but do not decode: the message names the format. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "blp1_jpeg2.blp, BLP",
            "blp2_dxt1a.blp, BLP",
            "ftex_dxt1.ftc, FTEX",
            "hopper.fits, FITS",
            "hopper.fli, FLI/FLC animation",
            "hopper.im, IM",
            "gbr.gbr, GIMP brush (GBR)",
            "hopper.msp, MSP",
            "hopper.pxr, PIXAR",
            "hopper.ras, Sun raster",
            "hopper.xbm, XBM",
            "hopper.xpm, XPM",
            "hopper.p7, XV thumbnail",
    })
    void undecodedFormatsAreNamed(String file, String name) {
        ImageFailure failure = assertThrows(ImageFailure.class, () -> decoder.decode(ImageFixtures.bytes(DIR + file)));
        assertEquals(ImageErrorCode.UNSUPPORTED_FORMAT, failure.code(), failure.getMessage());
        assertEquals(name + " image: no decoder", failure.getMessage());
    }

    /**
     * DXT1 DDS files made by scripts/make-dds-fixtures.py (random blocks, half of them in DXT1's
     * three-colour mode with transparent black) against PIL's RGB: at most one level off anywhere
     * (5/6-bit colour widening), and exact where a pixel is transparent black.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"dxt1_16x8.dds"})
    void dxt1DdsIsWithinOneLevelOfPil(String file) throws Exception {
        byte[] bytes;
        try (var in = getClass().getResourceAsStream("dds/" + file)) {
            bytes = in.readAllBytes();
        }
        assertEquals(ImageFormat.DDS, ImageFormat.sniff(bytes));
        RgbImage ours = decoder.decode(bytes);
        java.awt.image.BufferedImage pil;
        try (var in = getClass().getResourceAsStream("dds/" + file + ".png")) {
            pil = javax.imageio.ImageIO.read(in);
        }
        assertEquals(pil.getWidth(), ours.width(), file);
        assertEquals(pil.getHeight(), ours.height(), file);
        int transparent = 0;
        for (int y = 0; y < ours.height(); y++) {
            for (int x = 0; x < ours.width(); x++) {
                int p = pil.getRGB(x, y) & 0xFFFFFF;
                int o = 3 * (y * ours.width() + x);
                transparent += p == 0 ? 1 : 0;
                for (int c = 0; c < 3; c++) {
                    int expected = (p >> (16 - 8 * c)) & 0xFF;
                    int actual = ours.pixels()[o + c] & 0xFF;
                    assertTrue(Math.abs(expected - actual) <= (p == 0 ? 0 : 1),
                            file + " (" + x + "," + y + ") channel " + c + ": " + actual + " vs PIL " + expected);
                }
            }
        }
        assertTrue(transparent > 0, "the file must exercise DXT1's transparent index");
    }

    /** A DXT1 picture whose sides are not whole blocks is refused, not decoded with misplaced blocks. */
    @Test
    void dxt1DdsWithPartialBlocksIsRefused() throws Exception {
        byte[] bytes;
        try (var in = getClass().getResourceAsStream("dds/dxt1_13x7.dds")) {
            bytes = in.readAllBytes();
        }
        ImageFailure failure = assertThrows(ImageFailure.class, () -> decoder.decode(bytes));
        assertEquals(ImageErrorCode.UNSUPPORTED_FORMAT, failure.code(), failure.getMessage());
        assertTrue(failure.getMessage().contains("13x7 that are not multiples of 4"), failure.getMessage());
    }

    /** DXT5 (and DXT2-4, BCn) are refused with a message rather than decoded wrongly (see ImageHeader.checkDds). */
    @Test
    void dxt5DdsIsRefusedByName() {
        ImageFailure failure = assertThrows(ImageFailure.class,
                () -> decoder.decode(ImageFixtures.bytes(DIR + "dxt5-colorblock-alpha-issue-4142.dds")));
        assertEquals(ImageErrorCode.UNSUPPORTED_FORMAT, failure.code(), failure.getMessage());
        assertTrue(failure.getMessage().startsWith("DDS image with DXT5 compression: no exact decoder"),
                failure.getMessage());
    }

    @Test
    void tiffWithWebpCompressionIsUnsupportedNotCorrupt() {
        ImageFailure failure = assertThrows(ImageFailure.class,
                () -> decoder.decode(ImageFixtures.bytes(DIR + "hopper_webp.tif")));
        assertEquals(ImageErrorCode.UNSUPPORTED, failure.code(), failure.getMessage());
        assertTrue(failure.getMessage().contains("50001"), failure.getMessage());
    }

    /**
     * IFF, PICT and HDR, which PIL does not read: lossless round trips through the TwelveMonkeys
     * writers (IFF, PICT) must give back the exact pixels; a hand-written Radiance file must decode
     * to its tone-mapped gradient, monotonic along both axes and the same in every run.
     */
    @Test
    void formatsPilDoesNotReadRoundTrip() throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(24, 16,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        byte[] expected = new byte[3 * 24 * 16];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                int r = x * 10;
                int g = y * 15;
                int b = (x + y) * 6;
                image.setRGB(x, y, r << 16 | g << 8 | b);
                int o = 3 * (y * 24 + x);
                expected[o] = (byte) r;
                expected[o + 1] = (byte) g;
                expected[o + 2] = (byte) b;
            }
        }
        for (String format : List.of("iff", "pict")) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            assertTrue(javax.imageio.ImageIO.write(image, format, out), format);
            byte[] bytes = out.toByteArray();
            assertEquals(format.equals("iff") ? ImageFormat.IFF : ImageFormat.PICT, ImageFormat.sniff(bytes));
            RgbImage decoded = decoder.decode(bytes);
            assertEquals(0.0, ImageFixtures.diff(decoded, new RgbImage(24, 16, expected)).mean(), format);
        }
        byte[] hdr = MutatedFilesTest.radiance(24, 16);
        assertEquals(ImageFormat.HDR, ImageFormat.sniff(hdr));
        RgbImage decoded = decoder.decode(hdr);
        assertEquals(24, decoded.width());
        assertEquals(16, decoded.height());
        byte[] px = decoded.pixels();
        assertTrue((px[3 * 23] & 0xFF) > (px[0] & 0xFF), "red grows along x");
        assertTrue((px[3 * 24 * 15 + 1] & 0xFF) > (px[1] & 0xFF), "green grows along y");
        assertEquals(java.util.Arrays.toString(px), java.util.Arrays.toString(decoder.decode(hdr).pixels()));
    }

    /** Header fields the codecs would trust for allocations are checked first. */
    @Test
    void iffChunkLengthsAndJpeg2000ComponentCountsAreCheckedBeforeTheCodec() throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertTrue(javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 8,
                java.awt.image.BufferedImage.TYPE_INT_RGB), "iff", out));
        byte[] iff = out.toByteArray();
        assertEquals(ImageFormat.IFF, ImageFormat.sniff(iff));
        decoder.decode(iff);
        iff[16] = 0x7F; // the first chunk (the writer puts an ANNO chunk first) now claims 2 GB
        ImageFailure chunk = assertThrows(ImageFailure.class, () -> decoder.decode(iff));
        assertEquals(ImageErrorCode.CORRUPT, chunk.code());
        assertTrue(chunk.getMessage().contains("chunk ANNO claims"), chunk.getMessage());

        byte[] j2k = ImageFixtures.bytes(DIR + "9bit.j2k");
        j2k[4 + 36] = 0x40; // Csiz (after SOC, SIZ marker and 34 bytes of SIZ fields) = 16384 components
        j2k[4 + 37] = 0;
        ImageFailure components = assertThrows(ImageFailure.class, () -> decoder.decode(j2k));
        assertEquals(ImageErrorCode.CORRUPT, components.code(), components.getMessage());
        assertTrue(components.getMessage().contains("16384 components, which do not fit"), components.getMessage());
    }

    /**
     * How much of this corpus (every file PIL decodes, one or two per format) we decode: printed
     * for docs/IMAGES.md, and held at its current level.
     */
    @Test
    void shareOfTheCorpusDecoded() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(ImageFixtures.path(DIR))) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".md"))
                    .sorted().toList();
        }
        int decoded = 0;
        for (Path p : files) {
            try {
                decoder.decode(Files.readAllBytes(p));
                decoded++;
            } catch (ImageFailure e) {
                System.out.println("formats corpus: not decoded " + p.getFileName() + ": " + e.code() + " " + e.getMessage());
            }
        }
        System.out.printf("formats corpus: decoded %d of %d files%n", decoded, files.size());
        assertEquals(41, files.size(), "the fixture set changed; update this test and docs/IMAGES.md");
        assertTrue(decoded >= 22, decoded + " of " + files.size());
    }
}
