package io.xceptionspark.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Damaged files of every decoded format (bit flips, truncations, huge header fields, splices;
 * derived from the fixtures with a fixed seed by {@link MutationProbe}) give exactly one result
 * each, never hang and stay within a 64 MB heap: decoded in a child JVM with {@code -Xmx64m}, a
 * 2-megapixel limit (so an out-of-memory error could only come from a codec allocating past the
 * header it was checked by), a 5 s decode timeout and a time limit on the whole run.
 */
class MutatedFilesTest {
    private static final List<String> SEEDS = List.of(
            "edge-images/hopper_gray.jpg", "edge-images/pil_sample_cmyk.jpg", "edge-images/monkey16.png",
            "edge-images/p_trns_single.png", "edge-images/iss634.gif", "edge-images/hopper.bmp",
            "edge-images/hopper.tif", "edge-images/hopper.webp",
            "fixtures/formats/hopper.ppm", "fixtures/formats/hopper_1bit.pbm", "fixtures/formats/hopper_8bit.pgm",
            "fixtures/formats/200x32_rgba_tl_rle.tga", "fixtures/formats/tga_id_field.tga",
            "fixtures/formats/hopper.ico", "fixtures/formats/hopper_mask.ico", "fixtures/formats/mask_1.cur",
            "fixtures/formats/pillow.icns", "fixtures/formats/p_4_planes.pcx", "fixtures/formats/hopper.dcx",
            "fixtures/formats/hopper.rgb", "fixtures/formats/hopper.bw", "fixtures/formats/hopper.psd",
            "fixtures/formats/badplanes.bmp", "fixtures/formats/hopper.dds", "fixtures/formats/clipboard.dib", "fixtures/formats/test-card-lossless.jp2",
            "fixtures/formats/9bit.j2k");

    @Test
    void everyMutantGivesOneResultWithoutHangOrBigHeap(@TempDir Path tmp) throws Exception {
        List<String> files = new ArrayList<>();
        for (String seed : SEEDS) {
            files.add(ImageFixtures.path(seed).toAbsolutePath().toString());
        }
        files.addAll(generated(tmp));
        Set<ImageFormat> covered = EnumSet.noneOf(ImageFormat.class);
        for (String f : files) {
            covered.add(ImageFormat.sniff(Files.readAllBytes(Path.of(f))));
        }
        for (ImageFormat format : ImageFormat.values()) {
            if (ImageDecoder.decodes(format)) {
                assertTrue(covered.contains(format), "no seed file of the decoded format " + format);
            }
        }

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"),
                MutationProbe.class.getName()));
        command.addAll(files);
        Path log = tmp.resolve("probe.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = process.waitFor(240, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(finished, "child JVM hung; last lines:\n" + tail(output));
        assertEquals(0, process.exitValue(), tail(output));

        Map<String, Integer> outcomes = new TreeMap<>();
        Set<String> names = new HashSet<>();
        long maxHeap = -1;
        int count = -1;
        long slowest = 0;
        String slowestName = "";
        Set<String> allowed = new HashSet<>(List.of("READY"));
        for (ImageErrorCode code : ImageErrorCode.values()) {
            allowed.add(code.name());
        }
        List<String> unexpected = new ArrayList<>();
        for (String line : output.split("\\R")) {
            String[] parts = line.split("\t", 4);
            if (parts[0].equals("maxHeap")) {
                maxHeap = Long.parseLong(parts[1]);
            } else if (parts[0].equals("count")) {
                count = Integer.parseInt(parts[1]);
            } else if (parts.length == 4 && parts[0].contains("#")) {
                if (!allowed.contains(parts[1]) || parts[3].contains("not enough memory")
                        || parts[3].contains("heap space")) {
                    unexpected.add(line);
                }
                assertTrue(names.add(parts[0]), "two results for " + parts[0]);
                outcomes.merge(parts[1], 1, Integer::sum);
                long ms = Long.parseLong(parts[2]);
                if (ms > slowest) {
                    slowest = ms;
                    slowestName = line;
                }
            }
        }
        int expected = files.size() * MutationProbe.PER_FILE;
        System.out.println("mutated files: " + expected + " from " + files.size() + " seeds; outcomes " + outcomes
                + "; slowest " + slowest + " ms (" + slowestName + ")");
        assertTrue(unexpected.isEmpty(), "crashed, or ran out of memory instead of being stopped by a header check:\n"
                + String.join("\n", unexpected));
        assertEquals(expected, count, tail(output));
        assertEquals(expected, names.size(), "one result per mutant");
        assertTrue(maxHeap > 0 && maxHeap <= 64L * 1024 * 1024, "heap " + maxHeap);
        assertTrue(slowest <= MutationProbe.TIMEOUT.toMillis() + 2000, "a decode outlived its deadline: " + slowestName);
        assertTrue(outcomes.getOrDefault("READY", 0) > 0 && outcomes.getOrDefault("CORRUPT", 0) > 0, outcomes.toString());
    }

    /**
     * Seeds of the formats without a fixture in ../shared: HDR (written by hand), IFF and PICT (TwelveMonkeys
     * writers), and HEIC (one image and a grid), AVIF and JPEG XL (bare and in its container) from this
     * project's test resources (decoded by vips in child processes).
     */
    private static List<String> generated(Path dir) throws IOException {
        BufferedImage image = new BufferedImage(24, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 24; x++) {
                image.setRGB(x, y, (x * 10) << 16 | (y * 15) << 8 | ((x + y) * 6));
            }
        }
        List<String> out = new ArrayList<>();
        for (String format : List.of("iff", "pict")) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(image, format, bytes), "no ImageIO writer for " + format);
            Path p = dir.resolve("generated." + format);
            Files.write(p, bytes.toByteArray());
            out.add(p.toString());
        }
        Path hdr = dir.resolve("generated.hdr");
        Files.write(hdr, radiance(24, 16));
        out.add(hdr.toString());
        for (String file : List.of("kitten.heic", "coffee-grid.heic", "chelsea-8bit.avif", "chelsea-lossy.jxl",
                "kitten-orient6-from-jpeg.jxl")) {
            Path p = dir.resolve(file);
            Files.write(p, HeifFixtureTest.resource(file));
            out.add(p.toString());
        }
        return out;
    }

    /**
     * A Radiance RGBE file of a gradient, in the run-length scanline layout Radiance writes
     * (2, 2, width; then each component as literal chunks of at most 128 bytes). Exponent 128 + 1:
     * values {@code v / 128} in [0, 2).
     */
    static byte[] radiance(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = ("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y " + height + " +X " + width + "\n")
                .getBytes(StandardCharsets.US_ASCII);
        out.write(header, 0, header.length);
        for (int y = 0; y < height; y++) {
            out.write(2);
            out.write(2);
            out.write(width >> 8);
            out.write(width & 0xFF);
            for (int c = 0; c < 4; c++) {
                for (int x0 = 0; x0 < width; x0 += 128) {
                    int n = Math.min(128, width - x0);
                    out.write(n);
                    for (int x = x0; x < x0 + n; x++) {
                        out.write(switch (c) {
                            case 0 -> 8 + 4 * x;
                            case 1 -> 8 + 6 * y;
                            case 2 -> 64;
                            default -> 129;
                        });
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static String tail(String output) {
        String[] lines = output.split("\\R");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 30), lines.length));
    }
}
