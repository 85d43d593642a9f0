package io.xceptionspark.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decompression bombs, of every format whose header states a size, fail with TOO_LARGE from their
 * headers, without allocating what they claim:
 * proven in a child JVM with a 48 MB heap, where an attempt to allocate the claimed pixels would
 * run out of memory (which the preprocessor would report with a different message).
 */
class DecompressionBombTest {

    @Test
    void bombsFailFromTheirHeadersInASmallHeap(@TempDir Path tmp) throws Exception {
        Path bmpBomb = tmp.resolve("bomb.bmp");
        Files.write(bmpBomb, bmpClaiming(20_000, 20_000));
        List<String> files = new ArrayList<>(List.of(
                ImageFixtures.path("edge-images/decompression_bomb.gif").toAbsolutePath().toString(),
                ImageFixtures.path("edge-images/broken.png").toAbsolutePath().toString(),
                bmpBomb.toString()));
        // Valid files of the plugin formats whose size fields are edited to claim billions of pixels
        Map<String, byte[]> edited = new java.util.LinkedHashMap<>();
        edited.put("bomb.tga", edit("tga_id_field.tga", 12, 0xFF, 0xFF, 0xFF, 0xFF)); // u16le width, height
        edited.put("bomb.sgi", edit("hopper.rgb", 6, 0xFF, 0xFF, 0xFF, 0xFF)); // u16be xsize, ysize
        edited.put("bomb.psd", edit("hopper.psd", 14, 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30)); // 30000 x 30000 (PSB-sized)
        edited.put("bomb.pcx", edit("p_4_planes.pcx", 8, 0xFF, 0xFF, 0xFF, 0xFF)); // xmax, ymax
        edited.put("bomb.ico", edit("hopper.ico", 6 + 16 + 4, 0x20, 0x4E, 0, 0, 0x20, 0x4E, 0, 0)); // DIB 20000 x 10000
        edited.put("bomb.jp2", edit("test-card-lossless.jp2", sizOffset(), 0, 1, 0, 0, 0, 1, 0, 0)); // 65536 x 65536
        edited.put("bomb.ppm", "P6\n60000 60000\n255\n".getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<String, byte[]> e : edited.entrySet()) {
            Path p = tmp.resolve(e.getKey());
            Files.write(p, e.getValue());
            files.add(p.toString());
        }

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"),
                BombProbe.class.getName()));
        command.addAll(files);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, process.exitValue(), output);

        Map<String, String[]> outcomes = new HashMap<>();
        for (String line : output.split("\\R")) {
            String[] parts = line.split("\t", 3);
            if (parts.length >= 2) {
                outcomes.put(parts[0], parts);
            }
        }
        System.out.println("small-heap child JVM:\n" + output);
        assertTrue(Long.parseLong(outcomes.get("maxHeap")[1]) <= 64L * 1024 * 1024, output);
        List<String> names = new ArrayList<>(List.of("decompression_bomb.gif", "broken.png", "bomb.bmp"));
        names.addAll(edited.keySet());
        for (String name : names) {
            String[] outcome = outcomes.get(name);
            assertTrue(outcome != null && outcome.length == 3, "no outcome for " + name + "\n" + output);
            assertEquals("TOO_LARGE", outcome[1], name + ": " + outcome[2]);
            assertTrue(outcome[2].contains("declares"), name + " must be rejected from its header: " + outcome[2]);
        }
    }

    /** A fixture of src/test/data/fixtures/formats with {@code values} written at {@code offset}. */
    private static byte[] edit(String fixture, int offset, int... values) {
        byte[] b = ImageFixtures.bytes("fixtures/formats/" + fixture);
        for (int i = 0; i < values.length; i++) {
            b[offset + i] = (byte) values[i];
        }
        return b;
    }

    /** Where the Xsiz field of test-card-lossless.jp2's SIZ segment is (after SOC, SIZ marker, Lsiz, Rsiz). */
    private static int sizOffset() {
        byte[] b = ImageFixtures.bytes("fixtures/formats/test-card-lossless.jp2");
        for (int i = 0; i + 3 < b.length; i++) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0x4F && (b[i + 2] & 0xFF) == 0xFF && (b[i + 3] & 0xFF) == 0x51) {
                return i + 8;
            }
        }
        throw new AssertionError("no SIZ segment");
    }

    /** A valid 1x1 BMP whose header is then edited to claim {@code width x height} pixels. */
    static byte[] bmpClaiming(int width, int height) {
        byte[] bmp = SyntheticImages.encoded(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), "bmp");
        ByteBuffer header = ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(18, width);
        header.putInt(22, height);
        return bmp;
    }
}
