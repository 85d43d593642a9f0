package io.xceptionspark.bench;

import io.xceptionspark.image.ImageDecoder;
import io.xceptionspark.image.ImagePreprocessor;
import io.xceptionspark.image.JpegDraft;
import io.xceptionspark.image.PilResampler;
import io.xceptionspark.image.PreparedImage;
import io.xceptionspark.image.PreprocessConfig;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Decode + preprocess cost on one core, through {@link ImagePreprocessor#prepareInto} on the calling
 * thread (decode timeout 0, so the decode runs there too), after a warm-up of the same length (JIT, codec
 * initialisation).
 *
 * <p>Usage: {@code PreprocessBenchmark IMAGE_DIR [seconds] [--phone PHONE_DIR] [--draft]}. Prints the CPU
 * model and flags, the JIT mode and the JPEG decoder, then per image set: images/s per core, and
 * milliseconds per image as this thread's CPU time (what the image costs a core, robust when other
 * processes share the machine) and as wall time, with the decode / resize split. {@code --phone} adds a
 * phone-size set, made with {@code BenchImages --phone} from sample-data/ if the folder does not exist;
 * {@code --draft} adds every set again with {@code preprocess.jpeg-draft = auto}. The first line keeps
 * the form scripts/bench.sh reads. {@code -Dxception-spark.turbojpeg=off} measures the ImageIO path,
 * {@code -Dxception-spark.simd=off} the scalar resampler.
 */
public final class PreprocessBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PreprocessBenchmark() {
    }

    /** One set measured: per-image figures in milliseconds. */
    public record Result(long images, double seconds, double cpuMs, double decodeMs, double resizeMs) {
        public double imagesPerSecond() {
            return images / seconds;
        }

        public double wallMs() {
            return 1000 * seconds / images;
        }
    }

    /**
     * Measures images/second on the calling thread (one core) for the default config, cycling
     * through {@code images} for about {@code seconds} after a warm-up of the same length.
     */
    public static double imagesPerSecond(List<byte[]> images, double seconds) {
        return measure(images, seconds, PreprocessConfig.defaults()).imagesPerSecond();
    }

    public static double imagesPerSecond(List<byte[]> images, double seconds, PreprocessConfig config) {
        return measure(images, seconds, config).imagesPerSecond();
    }

    public static Result measure(List<byte[]> images, double seconds, PreprocessConfig config) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to measure");
        }
        ImagePreprocessor preprocessor = new ImagePreprocessor(config.withDecodeTimeout(Duration.ZERO));
        float[] buffer = new float[config.floatsPerImage()];
        run(preprocessor, images, buffer, (long) (seconds * 1e9), new ImagePreprocessor.PrepareTimes()); // warm-up
        ImagePreprocessor.PrepareTimes times = new ImagePreprocessor.PrepareTimes();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long count = run(preprocessor, images, buffer, (long) (seconds * 1e9), times);
        double wall = (System.nanoTime() - start) / 1e9;
        double cpuMs = (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6 / count;
        return new Result(count, wall, cpuMs, times.decodeNanos() / 1e6 / count, times.resizeNanos() / 1e6 / count);
    }

    private static long run(ImagePreprocessor preprocessor, List<byte[]> images, float[] buffer, long nanos,
                            ImagePreprocessor.PrepareTimes times) {
        long deadline = System.nanoTime() + nanos;
        long count = 0;
        do {
            for (byte[] image : images) {
                Optional<PreparedImage.Failed> failed = preprocessor.prepareInto(image, buffer, 0, times);
                failed.ifPresent(f -> {
                    throw new IllegalStateException("benchmark image failed: " + f);
                });
                count++;
            }
        } while (System.nanoTime() < deadline);
        return count;
    }

    /** Reads every regular file of {@code dir} that prepares successfully (others are skipped). */
    public static List<byte[]> loadImages(Path dir) throws IOException {
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessConfig.defaults());
        List<byte[]> images = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                byte[] bytes = Files.readAllBytes(file);
                if (preprocessor.prepare(bytes) instanceof PreparedImage.Ready) {
                    images.add(bytes);
                }
            }
        }
        return images;
    }

    /** C2 (tiered) or C1 only, from the JVM's flags. */
    static String jitMode() {
        boolean c1Only = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-XX:TieredStopAtLevel=") && !a.endsWith("=4"));
        return c1Only ? "C1 only (-XX:TieredStopAtLevel)" : "tiered C1 + C2";
    }

    public static void main(String[] args) throws IOException {
        List<String> positional = new ArrayList<>();
        Path phone = null;
        boolean draft = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--phone" -> phone = Path.of(args[++i]);
                case "--draft" -> draft = true;
                default -> positional.add(args[i]);
            }
        }
        if (positional.isEmpty()) {
            System.err.println("usage: PreprocessBenchmark IMAGE_DIR [seconds] [--phone PHONE_DIR] [--draft]");
            System.exit(2);
        }
        double seconds = positional.size() > 1 ? Double.parseDouble(positional.get(1)) : 10;
        List<byte[]> images = loadImages(Path.of(positional.get(0)));
        PreprocessConfig exact = PreprocessConfig.defaults();
        Result web = measure(images, seconds, exact);
        System.out.printf("decode + preprocess (299 crop, bicubic): %.1f images/s per core over %d images "
                + "(%.2f ms/image)%n", web.imagesPerSecond(), images.size(), web.wallMs());
        System.out.println("CPU: " + BenchReport.machine().get("cpu") + "; flags " + BenchReport.machine()
                .get("cpu_vector_flags") + "; " + Runtime.getRuntime().availableProcessors() + " cores; load average "
                + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("JVM: Java " + System.getProperty("java.version") + ", " + jitMode() + "; JPEG decoder: "
                + ImageDecoder.jpegDecoder() + "; resampler Vector API: " + PilResampler.vectorPass());
        List<String> rows = new ArrayList<>();
        rows.add(row(positional.get(0), images.size(), "exact", web));
        List<byte[]> phoneImages = List.of();
        if (phone != null) {
            if (!Files.isDirectory(phone)) {
                BenchImages.main(new String[] {"sample-data", phone.toString(), "8", "1", "--phone"});
            }
            phoneImages = loadImages(phone);
            rows.add(row(phone.toString(), phoneImages.size(), "exact", measure(phoneImages, seconds, exact)));
        }
        if (draft) {
            PreprocessConfig auto = exact.withJpegDraft(JpegDraft.AUTO);
            rows.add(row(positional.get(0), images.size(), "draft", measure(images, seconds, auto)));
            if (!phoneImages.isEmpty()) {
                rows.add(row(phone.toString(), phoneImages.size(), "draft", measure(phoneImages, seconds, auto)));
            }
        }
        System.out.println("set | images | jpeg-draft | ms/image per core (CPU) | decode | resize | ms/image wall"
                + " | images/s per core");
        rows.forEach(System.out::println);
    }

    private static String row(String set, int images, String mode, Result r) {
        return String.format("%s | %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f", set, images, mode, r.cpuMs(),
                r.decodeMs(), r.resizeMs(), r.wallMs(), r.imagesPerSecond());
    }
}
