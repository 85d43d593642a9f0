package io.xceptionspark.weights;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.exceptions.HdfInvalidPathException;

import java.lang.reflect.Array;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks a Keras legacy-layout HDF5 file with jhdf: {@code layer_names} on the root (or on
 * {@code model_weights}), {@code weight_names} on each layer group, datasets at
 * {@code <layer>/<weight name>}. Any exception jhdf throws on damaged input becomes a
 * {@link WeightsException} naming the file.
 */
final class KerasH5Reader {

    private static final String FETCH_AGAIN = " Fetch or copy the file again; if it was written by a tool, "
            + "check it with h5dump or h5py.";

    private KerasH5Reader() {
    }

    static KerasWeightsFile read(Path file) {
        if (!Files.exists(file)) {
            throw new WeightsException("Weights file " + file + " does not exist. Check the path (weights=...), "
                    + "or use weights=imagenet or weights=none.");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new WeightsException("Weights file " + file + " is not a readable file. Check the path and "
                    + "its permissions.");
        }
        Hdf5Header.check(file);
        try (HdfFile hdf = new HdfFile(file)) {
            return read(file, hdf);
        } catch (WeightsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new WeightsException("Weights file " + file + " is corrupt or not a supported HDF5 file ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")." + FETCH_AGAIN, e);
        }
    }

    private static KerasWeightsFile read(Path file, HdfFile hdf) {
        Group root = weightsRoot(file, hdf);
        List<String> layerNames = strings(root, "layer_names").orElseThrow();
        List<KerasLayer> layers = new ArrayList<>();
        for (String layerName : layerNames) {
            Node node = root.getChild(layerName);
            if (!(node instanceof Group group)) {
                throw new WeightsException("Weights file " + file + " lists layer '" + layerName
                        + "' in layer_names but has no group for it." + FETCH_AGAIN);
            }
            List<String> weightNames = strings(group, "weight_names").orElse(List.of());
            if (weightNames.isEmpty()) {
                continue;
            }
            List<KerasTensor> tensors = new ArrayList<>(weightNames.size());
            for (String weightName : weightNames) {
                tensors.add(tensor(file, group, weightName));
            }
            layers.add(new KerasLayer(layerName, tensors));
        }
        return new KerasWeightsFile(file, layerNames, layers, firstString(hdf, root, "keras_version"),
                firstString(hdf, root, "backend"));
    }

    /** The group holding {@code layer_names}: the root ({@code save_weights}) or {@code model_weights}. */
    private static Group weightsRoot(Path file, HdfFile hdf) {
        if (strings(hdf, "layer_names").isPresent()) {
            return hdf;
        }
        if (hdf.getChildren().get("model_weights") instanceof Group g && strings(g, "layer_names").isPresent()) {
            return g;
        }
        String hint = hdf.getChildren().containsKey("layers") || hdf.getChildren().containsKey("vars")
                ? " It looks like a Keras 3 '.weights.h5' file, which is not supported: re-save the model with "
                + "legacy HDF5 weights (Keras 2: model.save_weights('x.h5'))."
                : " Give a Keras weights file written by model.save_weights('x.h5') or model.save('x.h5').";
        throw new WeightsException("Weights file " + file + " is an HDF5 file but not a Keras weights file: "
                + "it has no 'layer_names' attribute (at its root or under 'model_weights')." + hint);
    }

    private static KerasTensor tensor(Path file, Group layer, String weightName) {
        Node node;
        try {
            node = layer.getByPath(weightName);
        } catch (HdfInvalidPathException e) {
            node = null;
        }
        if (!(node instanceof Dataset ds)) {
            throw new WeightsException("Weights file " + file + ": weight '" + weightName + "' of layer '"
                    + layer.getName() + "' is listed in weight_names but there is no such dataset." + FETCH_AGAIN);
        }
        Class<?> type = ds.getJavaType();
        int[] shape = ds.isScalar() ? new int[0] : ds.getDimensions();
        Object raw = ds.isScalar() ? ds.getData() : ds.getDataFlat();
        float[] data;
        if (type == float.class || type == Float.class) {
            data = raw instanceof float[] f ? f : new float[] {(Float) raw};
        } else if (type == double.class || type == Double.class) {
            data = narrow(raw instanceof double[] d ? d : new double[] {(Double) raw});
        } else {
            throw new WeightsException("Weights file " + file + ": weight '" + weightName + "' has data type "
                    + ds.getDataType().getClass().getSimpleName() + " (" + type.getSimpleName()
                    + "), not float32 or float64. Save the model's weights as floating point (float32).");
        }
        return new KerasTensor(weightName, shape, data);
    }

    private static float[] narrow(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static Optional<String> firstString(HdfFile hdf, Group root, String name) {
        Optional<List<String>> v = strings(root, name);
        if (v.isEmpty() && root != hdf) {
            v = strings(hdf, name);
        }
        return v.filter(l -> !l.isEmpty()).map(l -> l.get(0));
    }

    /**
     * A string-list attribute, fixed-length ({@code S..}) or variable-length. Keras splits attributes
     * larger than HDF5's 64 KiB header limit into {@code name0}, {@code name1}, ...; those are joined.
     */
    static Optional<List<String>> strings(Node node, String name) {
        Attribute whole = node.getAttribute(name);
        if (whole != null) {
            return Optional.of(values(whole));
        }
        List<String> joined = new ArrayList<>();
        Attribute part;
        for (int i = 0; (part = node.getAttribute(name + i)) != null; i++) {
            joined.addAll(values(part));
        }
        return joined.isEmpty() ? Optional.empty() : Optional.of(joined);
    }

    private static List<String> values(Attribute a) {
        List<String> out = new ArrayList<>();
        if (a.isEmpty() || a.getSize() == 0) {
            return out;
        }
        flatten(a.getData(), out);
        return out;
    }

    private static void flatten(Object v, List<String> out) {
        if (v == null) {
            return;
        }
        if (v instanceof String s) {
            out.add(s);
        } else if (v instanceof byte[] bytes) {
            out.add(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } else if (v.getClass().isArray()) {
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                flatten(Array.get(v, i), out);
            }
        } else {
            out.add(v.toString());
        }
    }
}
