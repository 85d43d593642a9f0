package io.xceptionspark.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether this CPU computes bfloat16 natively, read from the {@code flags} line of /proc/cpuinfo:
 * {@code avx512_bf16} (AMD Zen 4+, Intel Cooper Lake / Sapphire Rapids) or {@code amx_bf16} (Intel AMX).
 * Without them libtorch still runs bfloat16, converting to float32 around each operation: correct, but
 * slower than float32.
 *
 * @param nativeFlags the bfloat16 flags this CPU has (empty: emulated)
 */
public record CpuBfloat16(List<String> nativeFlags) {
    private static final List<String> FLAGS = List.of("avx512_bf16", "amx_bf16");
    private static final CpuBfloat16 THIS_MACHINE = read(Path.of("/proc/cpuinfo"));

    /** This machine's CPU (read once per JVM). */
    public static CpuBfloat16 thisMachine() {
        return THIS_MACHINE;
    }

    /** From a cpuinfo file; a missing or unreadable file counts as no native support. */
    static CpuBfloat16 read(Path cpuinfo) {
        try (var lines = Files.lines(cpuinfo)) {
            Set<String> flags = lines.filter(l -> l.startsWith("flags"))
                    .findFirst()
                    .map(l -> Arrays.stream(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))
                            .collect(Collectors.toSet()))
                    .orElse(Set.of());
            return new CpuBfloat16(FLAGS.stream().filter(flags::contains).toList());
        } catch (IOException | RuntimeException e) {
            return new CpuBfloat16(List.of());
        }
    }

    public boolean isNative() {
        return !nativeFlags.isEmpty();
    }

    /** One line for logs and the run summary. */
    public String describe() {
        return isNative() ? "bfloat16 computed natively by this CPU (" + String.join(", ", nativeFlags) + ")"
                : "bfloat16 EMULATED on this CPU (no avx512_bf16 or amx_bf16 in /proc/cpuinfo): correct but"
                        + " slower than float32; use model.precision = float32 here";
    }
}
