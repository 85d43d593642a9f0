package io.xceptionspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this process (Linux /proc), which counts native libtorch memory too. */
public final class ProcessMemory {
    private ProcessMemory() {}

    public static long residentKb() {
        return residentKb(Path.of("/proc/self/status"));
    }

    public static long residentKb(long pid) {
        return residentKb(Path.of("/proc/" + pid + "/status"));
    }

    private static long residentKb(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("no VmRSS in " + status);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
