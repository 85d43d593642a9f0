package io.xceptionspark.image;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HEIC/HEIF, AVIF and JPEG XL, decoded by libvips' command-line tool {@code vips} (Debian package
 * {@value #PACKAGE}, which brings libheif with libde265/dav1d/libaom, and libjxl) in a child process, one per
 * image: the file's bytes go to its standard input, an uncompressed PNG of the decoded picture comes back on
 * its standard output ({@code vips copy stdin .png[compression=0,filter=none,strip]}), and the JDK's PNG
 * reader and {@link RgbConverter} take it from there, exactly as for a PNG file (alpha dropped with the
 * colour under it kept, 16-bit samples to their high byte, gray replicated).
 *
 * <p>Why a child process (docs/IMAGES.md has the measurements): these decoders are native code, and a
 * crash or an endless loop on a hostile file must cost one error row, not the executor JVM; a child
 * process is killed by the decode deadline ({@link DecodeDeadline.Abort#register(Process)}), which a
 * native call in this JVM could not be, and its memory is capped ({@link #MEMORY_BASE}). Why {@code vips}: libheif's example tool {@code heif-convert}
 * writes only zlib-compressed PNG (4.8 CPU-s for 12 MP), JPEG or 4:2:0 YCbCr, and the AVIF/JXL tools only
 * to files; {@code vips} reads standard input, writes uncompressed PNG to standard output, and its pixels
 * are libheif's and libjxl's own RGB conversion (bit-identical to heif-convert and djxl on the test files).
 *
 * <p>Orientation: libheif applies the container's irot/imir (and clap) transforms and libjxl the
 * codestream's orientation, so the picture comes back upright; Exif orientation inside these files is
 * informative (HEIF says so, and pillow-heif ignores it too) and is not applied again. Colour: ICC profiles
 * are not applied ({@code strip}), as for JPEG.
 *
 * <p>Where it is found: the executable named by the JVM system property {@value #EXECUTABLE_PROPERTY} if set
 * (executors: {@code spark.executor.extraJavaOptions}), else {@code vips} on the executor's {@code PATH}, else
 * {@code /usr/local/bin} or {@code /usr/bin}. Without it these formats fail with {@code UNSUPPORTED_FORMAT}
 * naming the package to install, logged once per JVM; so does an executable that cannot be run.
 */
final class VipsDecoder {
    static final String PACKAGE = "libvips-tools";
    /** JVM system property: the decoder's executable, instead of {@code vips} looked up on the PATH. */
    static final String EXECUTABLE_PROPERTY = "xceptionspark.vips";
    private static final Logger LOG = LoggerFactory.getLogger(VipsDecoder.class);
    /** The whole command line after the executable: read standard input, write an uncompressed PNG to standard output. */
    static final List<String> ARGUMENTS = List.of("copy", "stdin", ".png[compression=0,filter=none,strip]");
    private static final int MAX_MESSAGE = 300;
    /**
     * The decoder's data-size limit ({@code ulimit -d}, RLIMIT_DATA: heap and private writable mappings, which is
     * what it really allocates, unlike address-space reservations): this much plus {@link #MEMORY_PER_PIXEL} per
     * pixel the file declares. Measured needs for 12 MP: a HEIC grid and a JPEG XL 150 MB, an AVIF 300 MB (about 25
     * bytes per pixel), so the limit (1 GB for 12 MP) leaves three times that; a file whose coded data is larger than
     * its header says makes the decoder fail its allocation and becomes an error row instead of taking gigabytes
     * from the executor's machine.
     */
    static final long MEMORY_BASE = 256L << 20;
    static final long MEMORY_PER_PIXEL = 64;
    /** The exit status of {@code sh -c 'exec ...'} when the executable is missing, and when it cannot be run. */
    private static final int SHELL_NOT_FOUND = 127;
    private static final int SHELL_NOT_EXECUTABLE = 126;
    private static final AtomicBoolean WARNED_MISSING = new AtomicBoolean();
    private static final AtomicInteger PIPE_IDS = new AtomicInteger();
    /** Feeds standard input and drains standard error of the child processes. */
    private static final ExecutorService PIPES = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "xception-vips-pipe-" + PIPE_IDS.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private final Path executable;
    /** Where the decoder was looked for, for the message when it is not there. */
    private final String lookedFor;

    private VipsDecoder(Path executable, String lookedFor) {
        this.executable = executable;
        this.lookedFor = lookedFor;
    }

    /**
     * The decoder of this JVM: the executable named by {@value #EXECUTABLE_PROPERTY}, else the {@code vips} of
     * the PATH (looked up once per JVM).
     */
    static VipsDecoder onPath() {
        String configured = System.getProperty(EXECUTABLE_PROPERTY, "");
        if (configured.isBlank()) {
            return OnPath.INSTANCE;
        }
        Path path = Path.of(configured);
        return new VipsDecoder(Files.isRegularFile(path) && Files.isExecutable(path) ? path : null,
                "is not at " + path + " (system property " + EXECUTABLE_PROPERTY + ")");
    }

    /** A given executable (tests; it gets {@link #ARGUMENTS}). */
    static VipsDecoder at(Path executable) {
        return new VipsDecoder(executable, "could not be run as " + executable);
    }

    /** No decoder: these formats fail with the install hint. */
    static VipsDecoder none() {
        return new VipsDecoder(null, "is not on the executor's PATH");
    }

    private static final class OnPath {
        static final VipsDecoder INSTANCE = new VipsDecoder(find(System.getenv("PATH")), "is not on the executor's PATH");
    }

    /** {@code vips} in the directories of {@code path}, then /usr/local/bin and /usr/bin; null if none. */
    static Path find(String path) {
        List<String> dirs = new ArrayList<>();
        if (path != null) {
            dirs.addAll(List.of(path.split(java.io.File.pathSeparator)));
        }
        dirs.add("/usr/local/bin");
        dirs.add("/usr/bin");
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "vips");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    boolean available() {
        return executable != null;
    }

    /** The failure of a file of {@code format} when there is no decoder; the first one per JVM is logged. */
    ImageFailure missing(ImageFormat format) {
        String message = format.displayName() + " image: no decoder on this executor. HEIC/HEIF, AVIF and JPEG XL are"
                + " decoded by libvips' command-line tool 'vips', which " + lookedFor + "; install it on"
                + " every executor (Debian/Ubuntu: apt-get install " + PACKAGE + "), see docs/IMAGES.md";
        if (WARNED_MISSING.compareAndSet(false, true)) {
            LOG.warn("{} (further HEIC/AVIF/JPEG XL files fail with UNSUPPORTED_FORMAT without this message in the log)",
                    message);
        }
        return new ImageFailure(ImageErrorCode.UNSUPPORTED_FORMAT, message);
    }

    /**
     * The decoded picture of {@code file} as an uncompressed PNG. {@code maxOutputBytes} bounds what is
     * read back (the decoder is killed past it); the deadline kills the process through {@code abort}.
     */
    byte[] decodeToPng(byte[] file, ImageFormat format, long declaredPixels, long maxOutputBytes,
                       DecodeDeadline.Abort abort) throws IOException, ImageFailure {
        if (executable == null) {
            throw missing(format);
        }
        // sh sets the limit and replaces itself by the decoder ("$0" "$@": no quoting of the path)
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                "ulimit -d " + memoryLimitKiB(declaredPixels) + " && exec \"$0\" \"$@\"", executable.toString()));
        command.addAll(ARGUMENTS);
        ProcessBuilder builder = new ProcessBuilder(command);
        // one thread per decode, as the task's other work: concurrent tasks x threads = cores
        builder.environment().put("VIPS_CONCURRENCY", "1");
        // few malloc arenas: each thread's arena would reserve 64 MB
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new ImageFailure(ImageErrorCode.UNSUPPORTED_FORMAT, format.displayName() + " image: cannot run the"
                    + " decoder " + executable + " (" + e.getMessage() + "); install " + PACKAGE + " on every executor,"
                    + " see docs/IMAGES.md");
        }
        abort.register(process);
        try {
            Future<?> feed = PIPES.submit(() -> feed(process.getOutputStream(), file));
            Future<String> errors = PIPES.submit(() -> head(process.getErrorStream()));
            byte[] png = readBounded(process.getInputStream(), maxOutputBytes);
            if (png == null) {
                throw new ImageFailure(ImageErrorCode.CORRUPT, "cannot decode " + format.displayName()
                        + ": the decoder's output is larger than the picture the file declares");
            }
            int exit = waitFor(process);
            if (abort.requested()) {
                throw new ImageFailure(ImageErrorCode.TIMEOUT, "decode aborted");
            }
            feed.cancel(false);
            String stderr = message(errors);
            if (exit == SHELL_NOT_FOUND || exit == SHELL_NOT_EXECUTABLE) {
                // sh could not exec the decoder: it was removed or made unrunnable after the lookup
                throw missing(format);
            }
            if (exit != 0 || png.length == 0) {
                if (stderr.toLowerCase(Locale.ROOT).contains("not a known")) {
                    throw new ImageFailure(ImageErrorCode.UNSUPPORTED_FORMAT, format.displayName() + " image: "
                            + executable + " has no loader for it (libvips built without libheif or libjxl?); install"
                            + " Debian's " + PACKAGE + ", see docs/IMAGES.md");
                }
                String why = exit > 128 ? "the decoder crashed (signal " + (exit - 128) + ")"
                        : "the decoder exited with status " + exit;
                throw new ImageFailure(ImageErrorCode.CORRUPT, "cannot decode " + format.displayName() + ": "
                        + (stderr.isEmpty() ? why : stderr));
            }
            return png;
        } finally {
            process.destroyForcibly();
        }
    }

    /** The decoder's memory limit in KiB for a picture of {@code declaredPixels}. */
    static long memoryLimitKiB(long declaredPixels) {
        return (MEMORY_BASE + MEMORY_PER_PIXEL * declaredPixels) >> 10;
    }

    private static Void feed(OutputStream in, byte[] file) {
        try (in) {
            in.write(file);
        } catch (IOException e) {
            // the decoder stopped reading (it failed, or was killed): its exit status tells why
        }
        return null;
    }

    /** The first few hundred bytes of standard error; the rest is drained and dropped. */
    private static String head(InputStream err) throws IOException {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try (err) {
            for (int n; (n = err.read(buffer)) >= 0; ) {
                kept.write(buffer, 0, Math.min(n, Math.max(0, 4 * MAX_MESSAGE - kept.size())));
            }
        }
        return kept.toString(StandardCharsets.UTF_8);
    }

    /** All of {@code in}, or null as soon as it exceeds {@code limit} bytes. */
    private static byte[] readBounded(InputStream in, long limit) throws IOException {
        limit = Math.min(limit, Integer.MAX_VALUE - 16);
        // sized for 8-bit RGB, the usual picture (the limit allows 16-bit RGBA): no regrowth copies of ~36 MB for 12 MP
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) (limit / 3 + 4096));
        byte[] buffer = new byte[1 << 16];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (out.size() + (long) n > limit) {
                    return null;
                }
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static int waitFor(Process process) throws ImageFailure {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageFailure(ImageErrorCode.TIMEOUT, "interrupted while decoding");
        }
    }

    /** The decoder's error text on one line, shortened. */
    private static String message(Future<String> errors) {
        String text;
        try {
            text = errors.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return "";
        }
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "...";
    }
}
