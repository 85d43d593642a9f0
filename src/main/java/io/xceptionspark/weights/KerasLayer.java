package io.xceptionspark.weights;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One Keras layer that has weights, with its tensors in the order of the layer's {@code weight_names}
 * attribute (the order Keras' legacy loader assigns them in, e.g. gamma, beta, moving_mean,
 * moving_variance for BatchNormalization).
 */
public record KerasLayer(String name, List<KerasTensor> weights) {

    public KerasLayer {
        Objects.requireNonNull(name, "name");
        weights = List.copyOf(weights);
    }

    /** The tensor whose short name (e.g. {@code kernel}, {@code depthwise_kernel}) is {@code shortName}. */
    public Optional<KerasTensor> weight(String shortName) {
        return weights.stream().filter(t -> t.shortName().equals(shortName)).findFirst();
    }
}
