package io.xceptionspark.image;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-channel normalisation of 8-bit RGB: {@code (v / 255 - mean[c]) / std[c]}, timm's {@code mean}/{@code std}.
 * Keras' "tf" preprocessing ({@code v / 127.5 - 1}) is mean = std = 0.5, which timm's tf_in1k Xceptions use
 * too (IMAGENET_INCEPTION_MEAN/STD); it is computed with Keras' own float32 formula so Keras parity stays exact.
 */
public record Normalization(float[] mean, float[] std) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** mean = std = 0.5 per channel: {@code v / 127.5 - 1}. */
    public static final Normalization INCEPTION = new Normalization(new float[] {0.5f, 0.5f, 0.5f},
            new float[] {0.5f, 0.5f, 0.5f});

    public Normalization {
        if (mean == null || std == null || mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each (R, G, B)");
        }
        mean = mean.clone();
        std = std.clone();
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException("std values must be positive, got " + Arrays.toString(std));
            }
        }
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /** For each channel, the float32 input value of every 8-bit value. */
    float[][] tables() {
        float[][] tables = new float[3][256];
        boolean inception = equals(INCEPTION);
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                tables[c][v] = inception ? (float) v / 127.5f - 1.0f : (float) ((v / 255.0 - mean[c]) / std[c]);
            }
        }
        return tables;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    /** {@code mean=0.5,0.5,0.5 std=0.5,0.5,0.5}. */
    @Override
    public String toString() {
        return "mean=" + join(mean) + " std=" + join(std);
    }

    private static String join(float[] v) {
        return v[0] + "," + v[1] + "," + v[2];
    }
}
