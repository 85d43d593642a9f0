package io.xceptionspark.weights;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.WritableGroup;
import io.jhdf.object.message.DataLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A small contiguous, uncompressed legacy-layout file written with jhdf's own writer, as the official
 * Keras files are laid out (they are contiguous too, but 90 MB and not reachable from this build).
 */
class KerasWeightsFileWrittenTest {

    @TempDir
    Path tmp;

    @Test
    void readsContiguousDatasetsInWeightNamesOrder() throws Exception {
        Path h5 = tmp.resolve("tiny.h5");
        try (WritableHdfFile f = HdfFile.write(h5)) {
            f.putAttribute("layer_names", new String[] {"conv", "act", "dense"});
            f.putAttribute("backend", "tensorflow");
            f.putAttribute("keras_version", "2.1.3");
            WritableGroup conv = f.putGroup("conv");
            conv.putAttribute("weight_names", new String[] {"conv/kernel:0"});
            conv.putGroup("conv").putDataset("kernel:0", new float[][][][] {{{{1, 2}, {3, 4}, {5, 6}}}});
            f.putGroup("act"); // no weight_names (jhdf cannot write an empty array; save_weights_official.h5 has one)
            WritableGroup dense = f.putGroup("dense");
            // bias before kernel: the order of weight_names wins, not the group's listing order
            dense.putAttribute("weight_names", new String[] {"dense/bias:0", "dense/kernel:0"});
            WritableGroup inner = dense.putGroup("dense");
            inner.putDataset("kernel:0", new double[][] {{0.25, -0.5}, {1e-3, 7}});
            inner.putDataset("bias:0", new float[] {9, 8});
        }
        try (HdfFile check = new HdfFile(h5)) {
            Dataset ds = check.getDatasetByPath("conv/conv/kernel:0");
            assertEquals(DataLayout.CONTIGUOUS, ds.getDataLayout());
        }

        KerasWeightsFile file = KerasWeightsFile.read(h5);

        assertEquals(List.of("conv", "act", "dense"), file.layerNames());
        assertEquals(List.of("conv", "dense"), file.layers().stream().map(KerasLayer::name).toList());
        assertEquals("2.1.3", file.kerasVersion().orElseThrow());
        assertEquals("tensorflow", file.backend().orElseThrow());
        KerasTensor kernel = file.layer("conv").orElseThrow().weights().get(0);
        assertArrayEquals(new int[] {1, 1, 3, 2}, kernel.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, kernel.data());
        List<KerasTensor> dw = file.layer("dense").orElseThrow().weights();
        assertEquals(List.of("dense/bias:0", "dense/kernel:0"), dw.stream().map(KerasTensor::name).toList());
        assertArrayEquals(new float[] {9, 8}, dw.get(0).data());
        // float64 is narrowed to float32
        assertArrayEquals(new float[] {0.25f, -0.5f, 1e-3f, 7f}, dw.get(1).data());
        assertArrayEquals(new int[] {2, 2}, dw.get(1).shape());
        assertEquals(12, file.parameterCount());
    }
}
