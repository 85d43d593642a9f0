package io.xceptionspark.weights;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The contents of a Keras HDF5 weights file in the legacy {@code save_weights} layout (also found under
 * {@code model_weights} in a whole-model {@code model.save} .h5 file).
 *
 * <p>{@link #layers()} keeps only the layers that have weights, in file order, because Keras' legacy
 * loader assigns weights to a model's weighted layers by position, not by name: shortcut layers are
 * called {@code conv2d_1} in one Keras version and {@code conv2d} in another, and both files load.
 *
 * @param file         where it was read from (for messages)
 * @param layerNames   every layer name in the file's order, weightless layers (activations, pooling) too
 * @param layers       the layers with at least one weight, in file order
 * @param kerasVersion the file's {@code keras_version} attribute, if present
 * @param backend      the file's {@code backend} attribute (e.g. {@code tensorflow}), if present
 */
public record KerasWeightsFile(Path file, List<String> layerNames, List<KerasLayer> layers,
                               Optional<String> kerasVersion, Optional<String> backend) {

    public KerasWeightsFile {
        Objects.requireNonNull(file, "file");
        layerNames = List.copyOf(layerNames);
        layers = List.copyOf(layers);
        Objects.requireNonNull(kerasVersion, "kerasVersion");
        Objects.requireNonNull(backend, "backend");
    }

    /**
     * Reads all weights of {@code file} into memory as float32 (float64 datasets are narrowed).
     *
     * @throws WeightsException if the file is missing, unreadable, not HDF5, truncated or corrupt, not a
     *                          Keras weights file, or holds non-floating-point weights
     */
    public static KerasWeightsFile read(Path file) {
        return KerasH5Reader.read(file);
    }

    /** The weighted layer called {@code name}, if the file has one. */
    public Optional<KerasLayer> layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** The total number of weight values, e.g. 22,910,480 for Xception with its top. */
    public long parameterCount() {
        return layers.stream().flatMap(l -> l.weights().stream()).mapToLong(KerasTensor::size).sum();
    }
}
