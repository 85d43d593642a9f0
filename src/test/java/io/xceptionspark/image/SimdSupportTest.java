package io.xceptionspark.image;

import jdk.incubator.vector.IntVector;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Vector API path is used only where it is faster and can run: all passes with AVX-512, all but the
 * first pass over stored rows with AVX2 (their lane sums lose with 8 lanes), never under C1 only (where it would
 * run ~70x slower than scalar), never without {@code --add-modules jdk.incubator.vector} (where its classes
 * do not exist: the resampler must not fail), never when turned off; and every JVM resizes to the same bytes.
 */
class SimdSupportTest {
    private static final String MODULE = "--add-modules=jdk.incubator.vector";

    @Test
    void onlyWithC2TheModuleAndSixteenLanesAndTheSameBytesEverywhere() throws Exception {
        String expectedHash = Integer.toString(SimdProbe.resizeHash());
        int lanes = IntVector.SPECIES_PREFERRED.length();
        String expected = lanes >= SimdSupport.LANES ? "on (Vector API, 512-bit)"
                : lanes >= 8 ? "on (Vector API, 256-bit; the first pass over stored rows scalar" : "off";

        List<String> c2 = probe(MODULE);
        assertTrue(c2.get(0).startsWith(expected), c2.get(0));
        assertEquals(expectedHash, c2.get(1));

        List<String> c1 = probe(MODULE, "-XX:TieredStopAtLevel=1");
        assertTrue(c1.get(0).startsWith("off (C1 only"), c1.get(0));
        assertEquals(expectedHash, c1.get(1));

        List<String> noModule = probe();
        assertTrue(noModule.get(0).startsWith("off (the JVM lacks --add-modules"), noModule.get(0));
        assertEquals(expectedHash, noModule.get(1));

        List<String> turnedOff = probe(MODULE, "-D" + SimdSupport.SWITCH + "=off");
        assertTrue(turnedOff.get(0).startsWith("off (-D"), turnedOff.get(0));
        assertEquals(expectedHash, turnedOff.get(1));
    }

    /** The probe's two output lines, in a child JVM with {@code flags}. */
    private static List<String> probe(String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(List.of(flags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), SimdProbe.class.getName()));
        Process process = new ProcessBuilder(command).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, process.exitValue(), output + errors);
        List<String> lines = output.lines().toList();
        assertEquals(2, lines.size(), output + errors);
        return lines;
    }
}
