package io.xceptionspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes benchmark figures as JSON, stamped with the date and the machine they were measured on. */
public final class BenchReport {
    private BenchReport() {}

    public static Map<String, Object> withMachine(Map<String, Object> figures) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        report.put("machine", machine());
        report.putAll(figures);
        return report;
    }

    /** CPU model, core count and memory, from /proc where available. */
    public static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpu", cpuModel());
        machine.put("cpu_vector_flags", cpuVectorFlags());
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version"));
        return machine;
    }

    /** The SIMD flags that decide libtorch's kernels (avx2, fma, avx512*, amx*), from /proc/cpuinfo. */
    private static String cpuVectorFlags() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    return java.util.Arrays.stream(line.substring(line.indexOf(':') + 1).trim().split("\\s+"))
                            .filter(f -> f.equals("avx2") || f.equals("fma") || f.startsWith("avx512")
                                    || f.startsWith("amx"))
                            .collect(java.util.stream.Collectors.joining(" "));
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return "unknown";
    }

    /** The CPU's model name (/proc/cpuinfo), else the architecture. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux: fall through
        }
        return System.getProperty("os.arch");
    }

    public static void writeJson(Path file, Map<String, Object> report) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, toJson(report, "") + "\n", StandardCharsets.UTF_8);
            System.out.println("figures written to " + file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small JSON writer for maps, lists, strings and numbers (keeps the benchmark free of Spark's Jackson). */
    static String toJson(Object value, String indent) {
        if (value instanceof Map<?, ?> map) {
            StringBuilder sb = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(indent).append("  ").append(quote(String.valueOf(e.getKey()))).append(": ")
                        .append(toJson(e.getValue(), indent + "  ")).append(++i < map.size() ? ",\n" : "\n");
            }
            return sb.append(indent).append('}').toString();
        }
        if (value instanceof Collection<?> list) {
            StringBuilder sb = new StringBuilder("[");
            int i = 0;
            for (Object item : list) {
                sb.append(toJson(item, indent + "  ")).append(++i < list.size() ? ", " : "");
            }
            return sb.append(']').toString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return String.valueOf(value);
        }
        return quote(String.valueOf(value));
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
