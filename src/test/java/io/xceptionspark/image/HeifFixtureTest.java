package io.xceptionspark.image;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HEIC, AVIF and JPEG XL through {@link VipsDecoder}: the files made by scripts/make-heif-fixtures.py
 * (src/test/resources/io/xceptionspark/image/heif, MANIFEST.tsv) against the reference decodes beside them
 * (heif-convert for HEIC/AVIF, djxl for JPEG XL, the source picture for a lossless one), orientation, ICC
 * profiles, the size guard, the deadline, damaged files and a missing decoder. Needs {@code vips} (Debian's libvips-tools; scripts/test.sh installs it).
 */
class HeifFixtureTest {
    private static final String DIR = "heif/";
    /**
     * Tolerances against the reference decodes, in 8-bit levels. Measured: bit-identical for every file
     * (mean 0, max 0): vips decodes with the same libheif and libjxl as heif-convert and djxl. The bound
     * leaves room for a one-level rounding difference in another library version, not for a wrong channel,
     * bit depth, orientation or colour conversion (each of those moves the mean by whole levels).
     */
    private static final double MAX_MEAN = 0.05;
    private static final int MAX_DIFF = 1;

    private static ImageDecoder decoder;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsVips() {
        assertTrue(VipsDecoder.onPath().available(), "HEIC/AVIF/JPEG XL tests need libvips' command-line tool"
                + " 'vips' on the PATH: apt-get install " + VipsDecoder.PACKAGE + " (scripts/install-image-decoders.sh)");
        decoder = new ImageDecoder(PreprocessConfig.defaults());
    }

    static List<String> manifest() {
        String text = new String(resource("MANIFEST.tsv"), StandardCharsets.UTF_8);
        return text.lines().skip(1).filter(l -> !l.isBlank()).map(l -> l.split("\t")[0]).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifest")
    void decodesLikeTheReferenceDecoder(String file) throws Exception {
        byte[] bytes = resource(file);
        ImageFormat expectedFormat = file.endsWith(".heic") ? ImageFormat.HEIF
                : file.endsWith(".avif") ? ImageFormat.AVIF : ImageFormat.JPEG_XL;
        assertEquals(expectedFormat, ImageFormat.sniff(bytes), file);
        RgbImage ours = decoder.decode(bytes);
        ImageFixtures.Diff diff = ImageFixtures.diff(ours, reference(file));
        System.out.println("heif " + file + ": " + ours.width() + "x" + ours.height() + " " + diff);
        assertTrue(diff.mean() <= MAX_MEAN && diff.max() <= MAX_DIFF, file + ": " + diff);
    }

    @Test
    void heifTransformsAreAppliedOnceAndExifOrientationIsNot() throws Exception {
        RgbImage plain = decoder.decode(resource("kitten.heic"));
        assertEquals(160, plain.width());
        // irot 1 = 90 degrees anticlockwise, which is what EXIF orientation 8 does
        RgbImage rotated = decoder.decode(resource("kitten-irot90.heic"));
        assertArrayEquals(ExifOrientation.apply(plain, 8).pixels(), rotated.pixels());
        assertEquals(120, rotated.width());
        // Exif orientation 6 in a HEIF file is informative: the picture is as stored
        assertArrayEquals(plain.pixels(), decoder.decode(resource("kitten-exif6.heic")).pixels());
        // iPhone layout: grid + irot 3 + Exif 6 saying the same: rotated once, 120x100 -> 100x120
        RgbImage grid = decoder.decode(resource("coffee-grid.heic"));
        assertEquals(100, grid.width());
        assertEquals(120, grid.height());
        // JPEG XL: the codestream's orientation (6, from the recompressed JPEG's Exif) is applied once
        RgbImage jxl = decoder.decode(resource("kitten-orient6-from-jpeg.jxl"));
        assertEquals(120, jxl.width());
        assertEquals(160, jxl.height());
    }

    @Test
    void iccProfilesAreNotAppliedAsForJpeg() throws Exception {
        // the same coded pictures as their twins, with sample-data/rocket.jpg's Adobe RGB (1998) profile, which
        // would move these pixels by about 5.7 levels on average if applied (PIL ImageCms, Adobe RGB to sRGB)
        byte[] colrProf = "colrprof".getBytes(StandardCharsets.ISO_8859_1);
        for (String[] twins : new String[][] {{"kitten-adobergb.heic", "kitten.heic"},
                {"chelsea-adobergb.avif", "chelsea-8bit.avif"}}) {
            byte[] withProfile = resource(twins[0]);
            assertTrue(indexOf(withProfile, colrProf, 0) >= 0, twins[0] + " has no ICC profile");
            assertArrayEquals(decoder.decode(resource(twins[1])).pixels(), decoder.decode(withProfile).pixels(), twins[0]);
        }
        // lossless JPEG XL with the profile: exactly the pixel values it was made from
        assertArrayEquals(reference("chelsea-adobergb-lossless.jxl").pixels(),
                decoder.decode(resource("chelsea-adobergb-lossless.jxl")).pixels());
    }

    @Test
    void theContainerSizeIsCheckedBeforeTheDecoderRuns() throws Exception {
        Path marker = tmp.resolve("ran");
        VipsDecoder spy = VipsDecoder.at(script("touch '" + marker + "'\nexit 1\n"));
        ImageDecoder guarded = new ImageDecoder(PreprocessConfig.DEFAULT_MAX_FILE_BYTES,
                PreprocessConfig.DEFAULT_MAX_PIXELS, Duration.ofSeconds(10), spy);

        byte[] heic = resource("kitten.heic");
        int patched = setAllIspe(heic, 100_000, 100_000);
        assertEquals(1, patched);
        ImageFailure huge = assertThrows(ImageFailure.class, () -> guarded.decode(heic));
        assertEquals(ImageErrorCode.TOO_LARGE, huge.code(), huge.getMessage());
        assertTrue(huge.getMessage().contains("100000x100000"), huge.getMessage());

        // a grid whose one tile claims a huge size is refused too, though the grid's own size is small
        byte[] grid = resource("coffee-grid.heic");
        int at = indexOf(grid, "ispe".getBytes(StandardCharsets.ISO_8859_1), indexOf(grid,
                "ispe".getBytes(StandardCharsets.ISO_8859_1), 0) + 4);
        writeU32(grid, at + 8, 70_000);
        writeU32(grid, at + 12, 70_000);
        assertEquals(ImageErrorCode.TOO_LARGE, assertThrows(ImageFailure.class, () -> guarded.decode(grid)).code());

        // JPEG XL: a bare codestream whose size header claims 2^30 x 2^30
        byte[] jxl = {(byte) 0xFF, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        long bits = 0;            // small = 0
        bits |= 3L << 1;          // U32 selector 3: 30 bits follow
        bits |= ((1L << 30) - 1) << 3; // height - 1
        bits |= 1L << 33;         // ratio 1: width = height
        for (int i = 0; i < 5; i++) {
            jxl[2 + i] = (byte) (bits >>> (8 * i));
        }
        ImageFailure bomb = assertThrows(ImageFailure.class, () -> guarded.decode(jxl));
        assertEquals(ImageErrorCode.TOO_LARGE, bomb.code(), bomb.getMessage());
        assertTrue(bomb.getMessage().contains("1073741824x1073741824"), bomb.getMessage());

        assertFalse(Files.exists(marker), "the decoder ran for a file over the pixel limit");
        // the spy does run for a file within the limit (so the check above means something)
        assertThrows(ImageFailure.class, () -> guarded.decode(resource("kitten.heic")));
        assertTrue(Files.exists(marker));
    }

    @Test
    void aGridWhoseDescriptorClaimsMoreThanItsHeaderIsCorrupt() throws Exception {
        // the grid descriptor (in idat: version, flags, rows - 1, columns - 1, width, height) claims 32000 x 32000,
        // within libheif's own limit of 32768 per side, while every ispe says 120 x 100 or 64 x 64
        byte[] grid = resource("coffee-grid.heic");
        int idat = indexOf(grid, "idat".getBytes(StandardCharsets.ISO_8859_1), 0);
        assertEquals(120, (grid[idat + 8] & 0xFF) << 8 | grid[idat + 9] & 0xFF);
        grid[idat + 8] = (byte) (32_000 >> 8);
        grid[idat + 9] = (byte) 32_000;
        grid[idat + 10] = (byte) (32_000 >> 8);
        grid[idat + 11] = (byte) 32_000;
        long start = System.nanoTime();
        ImageFailure failure = assertThrows(ImageFailure.class, () -> decoder.decode(grid));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ImageErrorCode.CORRUPT, failure.code(), failure.getMessage());
        assertTrue(millis < 8000, "took " + millis + " ms");
    }

    @Test
    void theDecoderRunsUnderAMemoryLimitSizedByTheDeclaredPicture() throws Exception {
        Path limits = tmp.resolve("limits");
        VipsDecoder probe = VipsDecoder.at(script("ulimit -d > '" + limits + "'\necho \"$@\" >> '" + limits
                + "'\necho \"$MALLOC_ARENA_MAX $VIPS_CONCURRENCY\" >> '" + limits + "'\nexec /usr/bin/env vips \"$@\"\n"));
        ImageDecoder probed = new ImageDecoder(PreprocessConfig.DEFAULT_MAX_FILE_BYTES,
                PreprocessConfig.DEFAULT_MAX_PIXELS, Duration.ofSeconds(10), probe);
        RgbImage decoded = probed.decode(resource("kitten.heic"));
        assertEquals(160, decoded.width());
        List<String> lines = Files.readAllLines(limits);
        assertEquals(Long.toString(VipsDecoder.memoryLimitKiB(160 * 120)), lines.get(0));
        assertEquals((256 << 10) + 64 * 160 * 120 / 1024, VipsDecoder.memoryLimitKiB(160 * 120));
        assertEquals(String.join(" ", VipsDecoder.ARGUMENTS), lines.get(1));
        assertEquals("2 1", lines.get(2));
    }

    @Test
    void aDecoderOverTheDeadlineIsKilled() throws Exception {
        Path pidFile = tmp.resolve("pid");
        VipsDecoder stuck = VipsDecoder.at(script("echo $$ > '" + pidFile + "'\nexec sleep 60\n"));
        ImageDecoder limited = new ImageDecoder(PreprocessConfig.DEFAULT_MAX_FILE_BYTES,
                PreprocessConfig.DEFAULT_MAX_PIXELS, Duration.ofMillis(500), stuck);
        long start = System.nanoTime();
        ImageFailure failure = assertThrows(ImageFailure.class, () -> limited.decode(resource("kitten.heic")));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ImageErrorCode.TIMEOUT, failure.code(), failure.getMessage());
        assertTrue(millis < 5000, "waited " + millis + " ms");
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the decoder process still runs");
    }

    @Test
    void damagedFilesAreErrorsNotCrashes() throws Exception {
        for (String file : List.of("kitten.heic", "coffee-grid.heic", "chelsea-8bit.avif", "chelsea-lossy.jxl",
                "kitten-orient6-from-jpeg.jxl")) {
            byte[] bytes = resource(file);
            for (int length : new int[] {12, 40, bytes.length / 3, bytes.length / 2, bytes.length - 200}) {
                byte[] cut = Arrays.copyOf(bytes, length);
                ImageFailure failure = assertThrows(ImageFailure.class, () -> decoder.decode(cut),
                        file + " cut to " + length + " bytes decoded");
                assertEquals(ImageErrorCode.CORRUPT, failure.code(), file + " cut to " + length + ": "
                        + failure.getMessage());
            }
            // flipped bytes in the coded data: a picture (codecs conceal errors) or CORRUPT, never anything else
            byte[] flipped = bytes.clone();
            for (int i = bytes.length / 2; i < bytes.length; i += 97) {
                flipped[i] ^= 0x5A;
            }
            try {
                decoder.decode(flipped);
            } catch (ImageFailure e) {
                assertEquals(ImageErrorCode.CORRUPT, e.code(), file + " flipped: " + e.getMessage());
            }
        }
    }

    @Test
    void aMissingDecoderIsUnsupportedFormatNamingThePackage() throws Exception {
        ImageDecoder without = new ImageDecoder(PreprocessConfig.DEFAULT_MAX_FILE_BYTES,
                PreprocessConfig.DEFAULT_MAX_PIXELS, Duration.ofSeconds(10), VipsDecoder.none());
        for (String file : List.of("kitten.heic", "chelsea-8bit.avif", "chelsea-lossy.jxl")) {
            ImageFailure failure = assertThrows(ImageFailure.class, () -> without.decode(resource(file)));
            assertEquals(ImageErrorCode.UNSUPPORTED_FORMAT, failure.code(), file);
            assertTrue(failure.getMessage().contains("apt-get install libvips-tools"), failure.getMessage());
            assertTrue(failure.getMessage().startsWith(ImageFormat.sniff(resource(file)).displayName() + " image: no decoder"),
                    failure.getMessage());
        }
    }

    @Test
    void aDecoderExecutableThatIsMissingOrCannotRunIsUnsupportedFormatNamingThePackage() throws Exception {
        // sh cannot exec it (status 127, 126): the executable was removed or made unrunnable after the lookup
        Path gone = tmp.resolve("no-such-dir/vips");
        Path notExecutable = Files.writeString(tmp.resolve("vips-not-executable"), "#!/bin/sh\n");
        for (Path executable : List.of(gone, notExecutable)) {
            ImageDecoder broken = new ImageDecoder(PreprocessConfig.DEFAULT_MAX_FILE_BYTES,
                    PreprocessConfig.DEFAULT_MAX_PIXELS, Duration.ofSeconds(10), VipsDecoder.at(executable));
            ImageFailure failure = assertThrows(ImageFailure.class, () -> broken.decode(resource("kitten.heic")));
            assertEquals(ImageErrorCode.UNSUPPORTED_FORMAT, failure.code(), failure.getMessage());
            assertTrue(failure.getMessage().contains(executable.toString())
                    && failure.getMessage().contains("apt-get install libvips-tools"), failure.getMessage());
        }
    }

    @Test
    void theSystemPropertyNamesTheDecoderExecutable() throws Exception {
        Path gone = tmp.resolve("no-such-dir/vips");
        String before = System.getProperty(VipsDecoder.EXECUTABLE_PROPERTY);
        try {
            System.setProperty(VipsDecoder.EXECUTABLE_PROPERTY, gone.toString());
            assertFalse(VipsDecoder.onPath().available());
            assertFalse(ImageDecoder.decodes(ImageFormat.AVIF));
            ImageFailure failure = assertThrows(ImageFailure.class,
                    () -> new ImageDecoder(PreprocessConfig.defaults()).decode(resource("chelsea-8bit.avif")));
            assertEquals(ImageErrorCode.UNSUPPORTED_FORMAT, failure.code(), failure.getMessage());
            assertTrue(failure.getMessage().contains("is not at " + gone + " (system property xceptionspark.vips)")
                    && failure.getMessage().contains("apt-get install libvips-tools"), failure.getMessage());

            Path real = VipsDecoder.find(System.getenv("PATH"));
            System.setProperty(VipsDecoder.EXECUTABLE_PROPERTY, real.toString());
            assertEquals(160, new ImageDecoder(PreprocessConfig.defaults()).decode(resource("kitten.heic")).width());
        } finally {
            if (before == null) {
                System.clearProperty(VipsDecoder.EXECUTABLE_PROPERTY);
            } else {
                System.setProperty(VipsDecoder.EXECUTABLE_PROPERTY, before);
            }
        }
    }

    @Test
    void aVipsWithoutTheLoaderOrWithRunawayOutputGivesOneErrorEach() throws Exception {
        VipsDecoder noLoader = VipsDecoder.at(script(
                "cat > /dev/null\necho 'VipsForeignLoad: \"stdin\" is not a known file format' >&2\nexit 1\n"));
        ImageFailure unknown = assertThrows(ImageFailure.class, () -> new ImageDecoder(1 << 20, 1 << 24,
                Duration.ofSeconds(10), noLoader).decode(resource("chelsea-lossy.jxl")));
        assertEquals(ImageErrorCode.UNSUPPORTED_FORMAT, unknown.code());
        assertTrue(unknown.getMessage().contains(VipsDecoder.PACKAGE), unknown.getMessage());

        VipsDecoder flood = VipsDecoder.at(script("cat > /dev/null\nexec cat /dev/zero\n"));
        ImageFailure runaway = assertThrows(ImageFailure.class, () -> new ImageDecoder(1 << 20, 1 << 24,
                Duration.ofSeconds(10), flood).decode(resource("kitten.heic")));
        assertEquals(ImageErrorCode.CORRUPT, runaway.code());
        assertTrue(runaway.getMessage().contains("larger than the picture"), runaway.getMessage());

        VipsDecoder failing = VipsDecoder.at(script("cat > /dev/null\necho 'heifload: Invalid input: bad box' >&2\nexit 1\n"));
        ImageFailure bad = assertThrows(ImageFailure.class, () -> new ImageDecoder(1 << 20, 1 << 24,
                Duration.ofSeconds(10), failing).decode(resource("kitten.heic")));
        assertEquals(ImageErrorCode.CORRUPT, bad.code());
        assertTrue(bad.getMessage().contains("bad box"), bad.getMessage());
    }

    @Test
    void headerOnlyFilesAreCorruptNamingTheirFormat() {
        // (these were UNSUPPORTED_FORMAT "... image: no decoder" before these formats were decoded)
        byte[] heic = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1'};
        byte[] avif = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f', 0, 0, 0, 0, 'm', 'i', 'f', '1'};
        byte[] jxl = {(byte) 0xFF, 0x0A, 0x7A, 0x1F, 0x42};
        for (byte[] file : List.of(heic, avif, jxl)) {
            ImageFailure failure = assertThrows(ImageFailure.class, () -> decoder.decode(file));
            assertEquals(ImageErrorCode.CORRUPT, failure.code(), failure.getMessage());
            assertTrue(failure.getMessage().contains(ImageFormat.sniff(file).displayName()), failure.getMessage());
        }
    }

    @Test
    void vipsIsLookedUpOnThePath() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path fake = bin.resolve("vips");
        Files.writeString(fake, "#!/bin/sh\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(fake, VipsDecoder.find("/nonexistent:" + bin));
        assertNotNull(VipsDecoder.find(""), "falls back to /usr/bin/vips");
    }

    @Test
    void formatsAreRecognisedByTheirBrands() {
        assertEquals(ImageFormat.AVIF, ImageFormat.sniff(ftyp("mif1", "mif1", "miaf", "avif")));
        assertEquals(ImageFormat.HEIF, ImageFormat.sniff(ftyp("mif1", "mif1", "heic")));
        assertEquals(ImageFormat.HEIF, ImageFormat.sniff(ftyp("heix", "mif1")));
        assertEquals(ImageFormat.AVIF, ImageFormat.sniff(ftyp("avis", "msf1")));
        assertEquals(null, ImageFormat.sniff(ftyp("isom", "mp41")));
        assertEquals(ImageFormat.JPEG_XL, ImageFormat.sniff(new byte[] {(byte) 0xFF, 0x0A, 0x18, 0x43}));
        assertEquals(ImageFormat.JPEG_XL, ImageFormat.sniff(resource("kitten-orient6-from-jpeg.jxl")));
        assertTrue(Set.of(ImageFormat.HEIF, ImageFormat.AVIF, ImageFormat.JPEG_XL).stream().allMatch(ImageDecoder::decodes));
    }

    // ---- helpers

    private static byte[] ftyp(String major, String... compatible) {
        byte[] b = new byte[16 + 4 * compatible.length];
        writeU32(b, 0, b.length);
        System.arraycopy("ftyp".getBytes(StandardCharsets.ISO_8859_1), 0, b, 4, 4);
        System.arraycopy(major.getBytes(StandardCharsets.ISO_8859_1), 0, b, 8, 4);
        for (int i = 0; i < compatible.length; i++) {
            System.arraycopy(compatible[i].getBytes(StandardCharsets.ISO_8859_1), 0, b, 16 + 4 * i, 4);
        }
        return b;
    }

    /** Sets the size of every ispe property box; returns how many there are. */
    private static int setAllIspe(byte[] b, int width, int height) {
        byte[] type = "ispe".getBytes(StandardCharsets.ISO_8859_1);
        int count = 0;
        for (int at = indexOf(b, type, 0); at >= 0; at = indexOf(b, type, at + 4)) {
            writeU32(b, at + 8, width); // after the type: version/flags (4 bytes), width, height
            writeU32(b, at + 12, height);
            count++;
        }
        return count;
    }

    private static int indexOf(byte[] b, byte[] needle, int from) {
        outer:
        for (int i = from; i <= b.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void writeU32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (24 - 8 * i));
        }
    }

    private Path script(String body) throws IOException {
        Path file = Files.createTempFile(tmp, "fake-vips", ".sh");
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    private static RgbImage reference(String file) {
        try {
            return RgbConverter.toRgb(ImageIO.read(new ByteArrayInputStream(resource(file + ".png"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] resource(String name) {
        try (InputStream in = HeifFixtureTest.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new AssertionError("missing test resource " + DIR + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
