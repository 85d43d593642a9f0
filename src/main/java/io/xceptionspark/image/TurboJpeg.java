package io.xceptionspark.image;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * libjpeg-turbo's TurboJPEG Java API, used where it is installed (Debian: {@code apt-get install
 * libturbojpeg-java}); an optional run-time dependency, never needed to build or run.
 *
 * <p>Why: it decodes straight into one packed int per pixel ({@link PackedRgb}, the layout the
 * resampler reads), with no raster copies and no colour-model conversion in Java, and it can scale by
 * 1/2, 1/4 or 1/8 in the DCT domain ({@code preprocess.jpeg-draft = auto}). It is the same libjpeg-turbo
 * that Debian's JDK links for its own JPEG reader (and PIL links), with the same default decoding
 * (accurate integer IDCT, fancy upsampling), so its full-size pixels equal the ImageIO path's (checked
 * by JpegFastPathTest over a set of images; {@link ImageDecoder} sends it only the JPEGs whose colour
 * interpretation is unambiguous).
 *
 * <p>Found at run time, not linked: the jar is looked for on the class path, then at
 * {@code /usr/share/java/turbojpeg.jar} (Debian, Ubuntu) and {@code /opt/libjpeg-turbo/classes/turbojpeg.jar}
 * (libjpeg-turbo's own packages), and loaded by a class loader of our own that tells it where its native
 * library is ({@code libturbojpeg.so} or Debian's {@code libturbojpeg.so.0}: the jar's own loader looks
 * only for the unversioned name, which only the -dev package installs). Anything missing or broken
 * leaves {@link #instance()} null and the exact ImageIO path in use; {@link #status()} says why. The JVM
 * property {@code -Dxception-spark.turbojpeg=off} turns it off (to compare the two paths, or to rule it out).
 */
final class TurboJpeg {
    private static final String PACKAGE = "org.libjpegturbo.turbojpeg.";
    /** JVM property that turns TurboJPEG off ({@code off}). */
    static final String SWITCH = "xception-spark.turbojpeg";
    private static final List<String> JARS = List.of("/usr/share/java/turbojpeg.jar",
            "/opt/libjpeg-turbo/classes/turbojpeg.jar");
    /** TJ.ERR_WARNING: the image was decoded, but libjpeg warned (e.g. premature end of data). */
    private static final int ERR_WARNING = 0;

    private static final TurboJpeg INSTANCE;
    private static final String STATUS;

    static {
        TurboJpeg found = null;
        String status;
        try {
            if ("off".equalsIgnoreCase(System.getProperty(SWITCH, ""))) {
                throw new java.io.IOException("turned off by -D" + SWITCH + "=off");
            }
            found = load();
            status = "TurboJPEG (libjpeg-turbo) from " + found.jar + " and " + found.library;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException | java.io.IOException e) {
            status = "TurboJPEG not available (" + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()) + "): JPEGs are decoded by ImageIO; install Debian's libturbojpeg-java for"
                    + " faster JPEG decoding";
        }
        INSTANCE = found;
        STATUS = status;
    }

    private final String jar;
    private final String library;
    /** Pixel format whose 4 bytes, read as one native-order int, are 0x00BBGGRR. */
    private final int pixelFormat;
    private final MethodHandle create;
    private final MethodHandle setSource;
    private final MethodHandle width;
    private final MethodHandle height;
    private final MethodHandle decompress;
    private final MethodHandle close;
    private final MethodHandle errorCode;
    private final Class<?> tjException;

    private TurboJpeg(String jar, String library, Class<?> tj, Class<?> decompressor, Class<?> exception)
            throws ReflectiveOperationException {
        this.jar = jar;
        this.library = library;
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        String format = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "PF_RGBX" : "PF_XBGR";
        this.pixelFormat = tj.getField(format).getInt(null);
        this.create = lookup.findConstructor(decompressor, MethodType.methodType(void.class));
        this.setSource = lookup.findVirtual(decompressor, "setSourceImage",
                MethodType.methodType(void.class, byte[].class, int.class));
        this.width = lookup.findVirtual(decompressor, "getWidth", MethodType.methodType(int.class));
        this.height = lookup.findVirtual(decompressor, "getHeight", MethodType.methodType(int.class));
        this.decompress = lookup.findVirtual(decompressor, "decompress", MethodType.methodType(void.class,
                int[].class, int.class, int.class, int.class, int.class, int.class, int.class, int.class));
        this.close = lookup.findVirtual(decompressor, "close", MethodType.methodType(void.class));
        this.errorCode = lookup.findVirtual(exception, "getErrorCode", MethodType.methodType(int.class));
        this.tjException = exception;
    }

    /** The installed TurboJPEG, or null (see {@link #status()}). */
    static TurboJpeg instance() {
        return INSTANCE;
    }

    /** Which TurboJPEG is in use, or why none is. */
    static String status() {
        return STATUS;
    }

    /** A JPEG TurboJPEG could not decode exactly: the caller uses the exact ImageIO path instead. */
    static final class NotDecoded extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        NotDecoded(String message) {
            super(message);
        }
    }

    /**
     * Decodes {@code jpeg} at {@code 1/scale} of its size (scale 1, 2, 4 or 8; libjpeg rounds the
     * scaled sides up) into packed pixels, in the file's stored orientation. The scaled header size is
     * checked against {@code maxPixels} before the pixel buffer is allocated.
     *
     * @throws NotDecoded when TurboJPEG fails or warns (a damaged file): the exact path then decides
     *                    what the file is, as it always did
     */
    PackedRgb decode(byte[] jpeg, int scale, long maxPixels, int orientation) throws NotDecoded, ImageFailure {
        Object d = null;
        try {
            d = create.invoke();
            setSource.invoke(d, jpeg, jpeg.length);
            int w = (int) width.invoke(d);
            int h = (int) height.invoke(d);
            int sw = (w + scale - 1) / scale;
            int sh = (h + scale - 1) / scale;
            ImageHeader.checkPixels(sw, sh, Math.min(maxPixels, Integer.MAX_VALUE - 16), "JPEG header");
            int[] pixels = new int[sw * sh];
            decompress.invoke(d, pixels, 0, 0, sw, sw, sh, pixelFormat, 0);
            return new PackedRgb(sw, sh, pixels, orientation);
        } catch (ImageFailure | OutOfMemoryError e) {
            throw e;
        } catch (Throwable e) {
            throw new NotDecoded(describe(e));
        } finally {
            if (d != null) {
                try {
                    close.invoke(d);
                } catch (Throwable ignored) {
                    // closing frees the native handle; a failure here leaves nothing to do
                }
            }
        }
    }

    private String describe(Throwable e) {
        if (tjException.isInstance(e)) {
            try {
                int code = (int) errorCode.invoke(e);
                return (code == ERR_WARNING ? "warning: " : "error: ") + e.getMessage();
            } catch (Throwable ignored) {
                // fall through
            }
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static TurboJpeg load() throws ReflectiveOperationException, java.io.IOException {
        Set<String> jars = new LinkedHashSet<>();
        URL onClassPath = TurboJpeg.class.getClassLoader() == null ? null
                : TurboJpeg.class.getClassLoader().getResource("org/libjpegturbo/turbojpeg/TJ.class");
        if (onClassPath != null && "jar".equals(onClassPath.getProtocol())) {
            String spec = onClassPath.getPath();
            jars.add(Path.of(java.net.URI.create(spec.substring(0, spec.indexOf("!/")))).toString());
        }
        jars.addAll(JARS);
        String jar = jars.stream().filter(j -> Files.isRegularFile(Path.of(j))).findFirst()
                .orElseThrow(() -> new java.io.IOException("no turbojpeg.jar at " + String.join(" or ", JARS)));
        String library = nativeLibrary();
        NativeLibraryLoader loader = new NativeLibraryLoader(Path.of(jar).toUri().toURL(), library);
        Class<?> tj = Class.forName(PACKAGE + "TJ", true, loader); // its static block loads the library
        return new TurboJpeg(jar, library, tj, Class.forName(PACKAGE + "TJDecompressor", true, loader),
                Class.forName(PACKAGE + "TJException", true, loader));
    }

    /** libturbojpeg.so, or Debian's libturbojpeg.so.0, in the library path or the usual directories. */
    private static String nativeLibrary() throws java.io.IOException {
        List<String> dirs = new ArrayList<>();
        for (String dir : System.getProperty("java.library.path", "").split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                dirs.add(dir);
            }
        }
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String triplet = switch (arch) {
            case "amd64", "x86_64" -> "x86_64-linux-gnu";
            case "aarch64", "arm64" -> "aarch64-linux-gnu";
            default -> arch + "-linux-gnu";
        };
        dirs.addAll(List.of("/usr/lib/" + triplet, "/lib/" + triplet, "/usr/lib64", "/usr/lib",
                "/opt/libjpeg-turbo/lib64", "/opt/libjpeg-turbo/lib"));
        for (String dir : dirs) {
            for (String name : List.of("libturbojpeg.so", "libturbojpeg.so.0")) {
                Path candidate = Path.of(dir, name);
                if (Files.isRegularFile(candidate)) {
                    return candidate.toAbsolutePath().toString();
                }
            }
        }
        throw new java.io.IOException("no libturbojpeg.so in " + String.join(":", dirs));
    }

    /**
     * Loads the TurboJPEG classes (and nothing else: its parent is the platform loader) and answers
     * their {@code System.loadLibrary("turbojpeg")} with the library found.
     */
    private static final class NativeLibraryLoader extends URLClassLoader {
        static {
            ClassLoader.registerAsParallelCapable();
        }

        private final String library;

        NativeLibraryLoader(URL jar, String library) {
            super("turbojpeg", new URL[] {jar}, ClassLoader.getPlatformClassLoader());
            this.library = library;
        }

        @Override
        protected String findLibrary(String name) {
            return "turbojpeg".equals(name) ? library : null;
        }
    }
}
