package io.xceptionspark.model;

import ai.djl.ndarray.NDManager;
import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.KerasTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Puts the layers of a Keras weights file into an {@link XceptionNetwork}, matching them by order as
 * Keras' legacy {@code load_weights} does: auto-generated names ({@code conv2d_1} vs {@code conv2d})
 * differ between Keras versions, layer order does not. Every layer and shape is checked before any
 * weight is assigned, so a wrong file never leaves a half-loaded network.
 */
final class KerasWeightsImporter {
    private KerasWeightsImporter() {}

    static void importInto(XceptionNetwork network, List<KerasLayer> fileLayers, String fileName,
                           NDManager manager) {
        List<KerasWeightedLayer> ours = network.kerasLayers();
        List<KerasLayer> matched = selectLayers(network, ours, fileLayers, fileName);
        for (int i = 0; i < ours.size(); i++) {
            checkLayer(ours.get(i), matched.get(i), i, fileName, network.options());
        }
        for (int i = 0; i < ours.size(); i++) {
            List<float[]> values = new ArrayList<>();
            for (KerasTensor tensor : matched.get(i).weights()) {
                values.add(tensor.data());
            }
            ours.get(i).setFromKeras(values, manager);
        }
    }

    /** Picks the file layers that correspond to ours, or explains why the file is for another network. */
    private static List<KerasLayer> selectLayers(XceptionNetwork network, List<KerasWeightedLayer> ours,
                                                 List<KerasLayer> file, String fileName) {
        boolean includeTop = network.options().includeTop();
        if (file.size() == ours.size()) {
            return file;
        }
        // A full (with-top) file feeds a feature extractor fine: its trailing classifier is not needed.
        if (!includeTop && file.size() == ours.size() + 1 && looksLikeClassifier(file.get(file.size() - 1))) {
            return file.subList(0, ours.size());
        }
        int common = Math.min(file.size(), ours.size());
        for (int i = 0; i < common; i++) {
            checkLayer(ours.get(i), file.get(i), i, fileName, network.options());
        }
        if (includeTop && file.size() == ours.size() - 1) {
            throw new WeightsMismatchException("Weights file " + fileName + " has no classifier layer ('predictions'):"
                    + " it is a notop (feature-extractor) file, but include_top is true. Set include_top=false,"
                    + " or use the full weights file (xception_weights_tf_dim_ordering_tf_kernels.h5).");
        }
        throw new WeightsMismatchException("Weights file " + fileName + " has " + file.size()
                + " layers with weights but Xception (include_top=" + includeTop + ") has " + ours.size()
                + (file.size() > common ? "; first extra layer: '" + file.get(common).name() + "'"
                        : "; first missing layer: '" + ours.get(common).kerasName() + "'")
                + ". Is it a weights file for another network?");
    }

    private static boolean looksLikeClassifier(KerasLayer layer) {
        return layer.weights().size() == 2 && layer.weights().get(0).shape().length == 2
                && layer.weights().get(1).shape().length == 1;
    }

    private static void checkLayer(KerasWeightedLayer ours, KerasLayer file, int index, String fileName,
                                   XceptionOptions options) {
        List<int[]> expected = ours.kerasShapes();
        List<KerasTensor> actual = file.weights();
        String where = "Weights file " + fileName + ", layer #" + (index + 1) + " '" + file.name()
                + "' (Xception layer '" + ours.kerasName() + "')";
        if (expected.size() != actual.size()) {
            throw new WeightsMismatchException(where + " has " + actual.size() + " weights, expected "
                    + expected.size() + ". Is it a weights file for another network?");
        }
        for (int w = 0; w < expected.size(); w++) {
            KerasTensor tensor = actual.get(w);
            if (!Arrays.equals(expected.get(w), tensor.shape())) {
                String hint = ours instanceof DenseLayer
                        ? " The file's classifier has " + tensor.shape()[tensor.shape().length - 1]
                                + " classes but classes=" + options.classes() + " is configured: set classes to match the file."
                        : " Is it a weights file for another network, or for another input channel count?";
                throw new WeightsMismatchException(where + ": weight '" + tensor.name() + "' has shape "
                        + Arrays.toString(tensor.shape()) + ", expected " + Arrays.toString(expected.get(w)) + "." + hint);
            }
            long count = Arrays.stream(tensor.shape()).asLongStream().reduce(1, (a, b) -> a * b);
            if (tensor.data().length != count) {
                throw new WeightsMismatchException(where + ": weight '" + tensor.name() + "' holds "
                        + tensor.data().length + " values for shape " + Arrays.toString(tensor.shape())
                        + "; the file is corrupt.");
            }
        }
    }
}
