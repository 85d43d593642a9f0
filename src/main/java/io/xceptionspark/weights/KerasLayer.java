package io.xceptionspark.weights;

import java.util.List;

/** A layer of a Keras weights file that has weights, with those weights in the file's order. */
public record KerasLayer(String name, List<KerasTensor> weights) {}
