package io.xceptionspark.testing;

import java.nio.charset.StandardCharsets;

/**
 * The formula of fixtures/keras-formula (see its README): value i of weight N is a function of
 * fnv1a32(N) and i, so a test can check any element of the fixture without Python.
 */
public final class FormulaWeights {

    private FormulaWeights() {
    }

    public static int fnv1a32(String s) {
        int h = 0x811C9DC5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x01000193;
        }
        return h;
    }

    public static double u(String name, long i) {
        long h = Integer.toUnsignedLong(fnv1a32(name));
        return (((i % 1009) * 7919 + h) % 1009) / 1009.0;
    }

    /** The expected float32 value of element {@code i} of weight {@code name} with Keras shape {@code shape}. */
    public static float expected(String name, int[] shape, long i) {
        double u = u(name, i);
        String suffix = name.substring(name.lastIndexOf('/') + 1, name.lastIndexOf(':'));
        boolean dense = name.startsWith("predictions/");
        double v = switch (suffix) {
            case "kernel" -> dense
                    ? (u - 0.5) * Math.sqrt(10800.0 / shape[0])
                    : (u - 0.5) * Math.sqrt(24.0 / (shape[0] * shape[1] * shape[2]));
            case "depthwise_kernel" -> (u - 0.5) * Math.sqrt(24.0 / (shape[0] * shape[1]));
            case "pointwise_kernel" -> (u - 0.5) * Math.sqrt(24.0 / shape[2]);
            case "bias" -> (u - 0.5) * 0.02;
            case "gamma" -> 0.5 + u;
            case "beta", "moving_mean" -> (u - 0.5) * 0.2;
            case "moving_variance" -> 0.5 + 1.5 * u;
            default -> throw new IllegalArgumentException(name);
        };
        return (float) v;
    }
}
