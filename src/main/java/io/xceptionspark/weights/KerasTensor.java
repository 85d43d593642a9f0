package io.xceptionspark.weights;

/** One weight of a Keras layer: float32 values in C order, in Keras' own layout (e.g. kh, kw, in, out). */
public record KerasTensor(String name, int[] shape, float[] data) {}
