package io.xceptionspark.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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
 * Decompression bombs fail with TOO_LARGE from their headers, without allocating what they claim:
 * proven in a child JVM with a 48 MB heap, where an attempt to allocate the claimed pixels would
 * run out of memory (which the preprocessor would report with a different message).
 */
class DecompressionBombTest {

    @Test
    void bombsFailFromTheirHeadersInASmallHeap(@TempDir Path tmp) throws Exception {
        Path bmpBomb = tmp.resolve("bomb.bmp");
        Files.write(bmpBomb, bmpClaiming(20_000, 20_000));
        List<String> files = List.of(
                SharedFixtures.path("edge-images/decompression_bomb.gif").toAbsolutePath().toString(),
                SharedFixtures.path("edge-images/broken.png").toAbsolutePath().toString(),
                bmpBomb.toString());

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
        for (String name : List.of("decompression_bomb.gif", "broken.png", "bomb.bmp")) {
            String[] outcome = outcomes.get(name);
            assertTrue(outcome != null && outcome.length == 3, "no outcome for " + name + "\n" + output);
            assertEquals("TOO_LARGE", outcome[1], name + ": " + outcome[2]);
            assertTrue(outcome[2].contains("declares"), name + " must be rejected from its header: " + outcome[2]);
        }
    }

    /** A valid 1x1 BMP whose header is then edited to claim {@code width x height} pixels. */
    static byte[] bmpClaiming(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR), "bmp", out);
        byte[] bmp = out.toByteArray();
        ByteBuffer header = ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(18, width);
        header.putInt(22, height);
        return bmp;
    }
}
