package io.xceptionspark.image;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/**
 * Whether the resampler's passes run on the JDK's Vector API ({@link SimdPasses}), and why not.
 *
 * <p>It does only where that is faster than the scalar loop, measured (docs/PERFORMANCE.md): the JVM was
 * started with {@code --add-modules jdk.incubator.vector} (the launchers and conf/spark-defaults.conf add
 * it), the CPU has vectors of at least 8 int lanes (AVX2), and C2 compiles (under C1 only,
 * {@code -XX:TieredStopAtLevel=1}, vector operations are not intrinsified and run ~70x slower than scalar).
 * The first pass over stored rows sums 16 lanes per output pixel, which pays off only with 16 lanes
 * (AVX-512; with AVX2's 8 it was slower than scalar): {@link #ROWS}. The other passes have no lane sums
 * and win at 8 lanes as at 16: {@link #ENABLED}. {@code -Dxception-spark.simd=off}
 * turns it off. The two paths give identical bytes (same integer sums), so this changes speed only.
 */
final class SimdSupport {
    /** JVM property that turns the Vector API path off ({@code off}). */
    static final String SWITCH = "xception-spark.simd";
    static final int LANES = 16;
    private static final String MODULE = "jdk.incubator.vector";
    private static final String STATUS = check();
    /** The passes without lane sums (second pass; first pass of a transposed picture): 8 or 16 lanes. */
    static final boolean ENABLED = STATUS.startsWith("on");
    /** The first pass over stored rows, whose lane sums pay off only with 16 lanes. */
    static final boolean ROWS = ENABLED && STATUS.startsWith("on (Vector API, 512");

    private SimdSupport() {
    }

    /** "on (...)" or "off (why)". */
    static String status() {
        return STATUS;
    }

    private static String check() {
        if ("off".equalsIgnoreCase(System.getProperty(SWITCH, ""))) {
            return "off (-D" + SWITCH + "=off)";
        }
        if (ModuleLayer.boot().findModule(MODULE).isEmpty()) {
            return "off (the JVM lacks --add-modules " + MODULE + ")";
        }
        String jit = c1Only();
        if (jit != null) {
            return "off (" + jit + ": the Vector API needs C2)";
        }
        try {
            int lanes = SimdPasses.preferredLanes();
            if (lanes < 8) {
                return "off (" + lanes * 32 + "-bit vectors)";
            }
            if (lanes < LANES) {
                return "on (Vector API, " + lanes * 32 + "-bit; the first pass over stored rows scalar: its lane"
                        + " sums are slower than scalar with fewer than 16 lanes)";
            }
        } catch (LinkageError e) {
            return "off (" + e + ")";
        }
        return "on (Vector API, " + LANES * 32 + "-bit)";
    }

    /** Why C2 does not run, or null when it does. */
    private static String c1Only() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            if (System.getProperty("java.vm.info", "").contains("interpreted")) {
                return "interpreter only";
            }
            boolean tiered = Boolean.parseBoolean(vm.getVMOption("TieredCompilation").getValue());
            int stopAt = Integer.parseInt(vm.getVMOption("TieredStopAtLevel").getValue());
            return tiered && stopAt < 4 ? "C1 only (-XX:TieredStopAtLevel=" + stopAt + ")" : null;
        } catch (RuntimeException e) {
            return null; // not HotSpot: assume an optimising JIT
        }
    }
}
