package io.xceptionspark.testing;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The launcher's score command in a child JVM (this JVM's classpath and module flags, local[2]), for tests
 * that kill the driver with SIGKILL (Process.destroyForcibly on Linux) at a chosen moment.
 */
public final class ChildJob {
    private final Process process;
    private final Path log;

    private ChildJob(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code xception-spark score ARGS}; stdout and stderr go to {@code log}. */
    public static ChildJob start(Path log, List<String> args) throws IOException {
        return start(log, List.of(), args);
    }

    /** Like {@link #start(Path, List)}, with extra JVM flags (e.g. {@link CrashPoints#flag}). */
    public static ChildJob start(Path log, List<String> jvmFlags, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1500m");
        cmd.addAll(jvmFlags);
        cmd.add("-XX:TieredStopAtLevel=1"); // a short-lived JVM: C1 only starts Spark faster
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Dai.djl") || a.startsWith("-Djdk.reflect")
                    || a.startsWith("-Dio.netty")) {
                cmd.add(a);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.xceptionspark.cli.Main");
        cmd.add("score");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return new ChildJob(pb.start(), log);
    }

    /** Waits until {@code moment} holds (polling every 20 ms), then kill -9s the JVM; false if it ended first. */
    public boolean killWhen(BooleanSupplier moment, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            if (moment.getAsBoolean()) {
                process.destroyForcibly();
                process.waitFor();
                return true;
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        process.waitFor();
        return false;
    }

    /** Waits for the JVM to end by itself; its exit status, or -1 (and it is killed) after the timeout. */
    public int waitFor(long timeoutMillis) throws InterruptedException {
        if (process.waitFor(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return process.exitValue();
        }
        process.destroyForcibly();
        process.waitFor();
        return -1;
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Whether any file under {@code dir} (recursively) ends with {@code suffix}, not counting {@code except}. */
    public static boolean anyFile(Path dir, String suffix, java.util.Set<Path> except) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (var files = Files.walk(dir)) {
            return files.anyMatch(p -> p.getFileName().toString().endsWith(suffix) && !except.contains(p)
                    && !p.getFileName().toString().startsWith("."));
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // a directory vanished while walking (Spark's commit moves files)
        }
    }

    /** Every file under {@code dir}, to tell new files from old ones. */
    public static java.util.Set<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return java.util.Set.of();
        }
        try (var files = Files.walk(dir)) {
            return files.collect(java.util.stream.Collectors.toSet());
        }
    }
}
