package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Puts a timm state_dict (the tensors of a hub {@code model.safetensors}) into an {@link AlignedXceptionNetwork},
 * strictly, as PyTorch's {@code load_state_dict(strict=True)}: every key the network has must be in the file
 * with its exact shape, and the file must hold nothing else (but {@code num_batches_tracked} counters, and
 * {@code head.fc} for a feature extractor). Everything is checked before any weight is assigned.
 */
final class TimmWeightsImporter {
    private static final String COUNTER_SUFFIX = ".num_batches_tracked";
    private static final String HEAD_PREFIX = "head.fc.";

    private TimmWeightsImporter() {}

    static void importInto(AlignedXceptionNetwork network, Map<String, NDArray> file, String fileName,
                           NDManager manager) {
        Map<String, Shape> fileShapes = shapes(file, network.options().includeTop());
        check(network, fileShapes, fileName);
        for (TorchWeight weight : network.torchWeights()) {
            NDArray array = file.get(weight.key());
            if (!array.getDataType().isFloating()) {
                throw new WeightsMismatchException("Weights file " + fileName + ": '" + weight.key() + "' holds "
                        + array.getDataType() + " values, expected floating point. Is it a timm checkpoint?");
            }
        }
        for (TorchWeight weight : network.torchWeights()) {
            NDArray array = file.get(weight.key());
            float[] values;
            if (array.getDataType() == DataType.FLOAT32) {
                values = array.toFloatArray();
            } else {
                try (NDArray converted = array.toType(DataType.FLOAT32, true)) {
                    values = converted.toFloatArray();
                }
            }
            KerasWeightedLayer.assign(weight.parameter(), values, weight.shape(), manager);
        }
    }

    /** Key and shape of every tensor that matters (counters dropped; head.fc too without include_top). */
    private static Map<String, Shape> shapes(Map<String, NDArray> file, boolean includeTop) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : file.entrySet()) {
            String key = e.getKey();
            if (key.endsWith(COUNTER_SUFFIX) || (!includeTop && key.startsWith(HEAD_PREFIX))) {
                continue;
            }
            shapes.put(key, e.getValue().getShape());
        }
        return shapes;
    }

    /**
     * Checks keys and shapes; the first problem found is the message.
     *
     * @throws WeightsMismatchException naming the key and both shapes, or the architecture the file fits
     */
    static void check(AlignedXceptionNetwork network, Map<String, Shape> file, String fileName) {
        String arch = network.variant().id();
        Map<String, Shape> expected = expectedShapes(network);
        List<String> missing = new ArrayList<>();
        for (String key : expected.keySet()) {
            if (!file.containsKey(key)) {
                missing.add(key);
            }
        }
        List<String> unexpected = new ArrayList<>();
        for (String key : file.keySet()) {
            if (!expected.containsKey(key)) {
                unexpected.add(key);
            }
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            StringBuilder m = new StringBuilder("Weights file " + fileName + " does not fit timm " + arch + ": ");
            if (!missing.isEmpty()) {
                m.append(missing.size()).append(" key(s) missing (first: '").append(missing.get(0)).append("' ")
                        .append(dims(expected.get(missing.get(0)))).append(")");
            }
            if (!unexpected.isEmpty()) {
                m.append(missing.isEmpty() ? "" : ", ").append(unexpected.size()).append(" unexpected key(s) (first: '")
                        .append(unexpected.get(0)).append("' ").append(dims(file.get(unexpected.get(0)))).append(")");
            }
            m.append(". ").append(lookalike(network, file));
            throw new WeightsMismatchException(m.toString());
        }
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            Shape actual = file.get(e.getKey());
            if (!actual.equals(e.getValue())) {
                String hint = e.getKey().startsWith(HEAD_PREFIX)
                        ? " The file's classifier has " + actual.get(0) + " classes but model.classes = "
                                + network.options().classes() + ": set model.classes to match the file."
                        : " Is it a checkpoint of another network?";
                throw new WeightsMismatchException("Weights file " + fileName + ": '" + e.getKey() + "' has shape "
                        + dims(actual) + " in the file, timm " + arch + " expects " + dims(e.getValue()) + "." + hint);
            }
        }
    }

    private static Map<String, Shape> expectedShapes(AlignedXceptionNetwork network) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (TorchWeight w : network.torchWeights()) {
            shapes.put(w.key(), w.shape());
        }
        return shapes;
    }

    /** Which architecture the file's keys belong to, as far as we can tell, and the fix. */
    private static String lookalike(AlignedXceptionNetwork network, Map<String, Shape> file) {
        for (AlignedXception other : AlignedXception.values()) {
            if (other != network.variant()
                    && expectedShapes(new AlignedXceptionNetwork(other, network.options())).equals(file)) {
                return "Its keys and shapes are those of timm " + other.id() + ": set model.architecture = "
                        + other.id() + ".";
            }
        }
        if (file.keySet().stream().anyMatch(k -> k.startsWith("block1_conv1") || k.contains("sepconv"))) {
            return "Its keys are Keras layer names (Keras' xception): set model.architecture = xception with its .h5 file.";
        }
        if (file.containsKey("conv1.weight") && file.containsKey("fc.weight")) {
            return "It looks like another network (a ResNet-style or the legacy timm 'xception' layout), not an"
                    + " aligned Xception: give the model.safetensors of timm/" + network.variant().id() + ".";
        }
        return "Give the model.safetensors of timm/" + network.variant().id() + " (e.g. timm/"
                + network.variant().id() + ".tf_in1k).";
    }

    private static String dims(Shape shape) {
        return Arrays.toString(shape.getShape());
    }
}
