package io.xceptionspark.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The official save_weights layout's details and the layouts other than it, from small files written by h5py
 * (src/test/resources/io/xceptionspark/weights/make_fixtures.py).
 */
class KerasWeightsFileLayoutsTest {

    @TempDir
    Path tmp;

    private Path resource(String name) throws IOException {
        Path p = tmp.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.copy(in, p);
        }
        return p;
    }

    @Test
    void readsWholeModelFilesWithVariableLengthStringAttributes() throws IOException {
        KerasWeightsFile file = KerasWeightsFile.read(resource("model_save_vlen.h5"));

        assertEquals(List.of("input_1", "conv", "relu", "dense"), file.layerNames());
        assertEquals(List.of("conv", "dense"), file.layers().stream().map(KerasLayer::name).toList());
        assertEquals("2.4.0", file.kerasVersion().orElseThrow());
        assertEquals("tensorflow", file.backend().orElseThrow());
        KerasLayer conv = file.layer("conv").orElseThrow();
        assertArrayEquals(new int[] {2, 2, 1, 3}, conv.weight("kernel").orElseThrow().shape());
        assertEquals(11 / 4f, conv.weight("kernel").orElseThrow().data()[11]);
        assertArrayEquals(new float[] {0.5f, -0.5f, 1.5f}, conv.weight("bias").orElseThrow().data()); // float64
        assertArrayEquals(new int[] {3, 2}, file.layer("dense").orElseThrow().weights().get(0).shape());
    }

    @Test
    void joinsLayerNamesSplitAcrossNumberedAttributes() throws IOException {
        KerasWeightsFile file = KerasWeightsFile.read(resource("split_layer_names.h5"));

        assertEquals(List.of("a", "b", "c"), file.layerNames());
        assertEquals('c', file.layer("c").orElseThrow().weights().get(0).data()[0]);
        assertEquals(java.util.Optional.empty(), file.kerasVersion());
    }

    /**
     * The official files' layout: fixed-length strings, weightless layers listed with an empty (dtype S1)
     * weight_names, contiguous datasets. KerasWeightsFileFullSizeTest reads a full-size file of this layout but
     * for the empty arrays, which jhdf cannot write.
     */
    @Test
    void readsTheOfficialSaveWeightsLayoutWithEmptyWeightNames() throws IOException {
        Path h5 = resource("save_weights_official.h5");
        try (io.jhdf.HdfFile f = new io.jhdf.HdfFile(h5)) {
            assertEquals(io.jhdf.object.message.DataLayout.CONTIGUOUS,
                    f.getDatasetByPath("conv/conv/kernel:0").getDataLayout());
            assertEquals(0, f.getByPath("conv_act").getAttribute("weight_names").getSize());
        }

        KerasWeightsFile file = KerasWeightsFile.read(h5);

        assertEquals(List.of("input_1", "conv", "conv_act", "predictions"), file.layerNames());
        assertEquals(List.of("conv", "predictions"), file.layers().stream().map(KerasLayer::name).toList());
        assertEquals("2.1.3", file.kerasVersion().orElseThrow());
        assertEquals("tensorflow", file.backend().orElseThrow());
        assertArrayEquals(new int[] {3, 3, 3, 2}, file.layer("conv").orElseThrow().weights().get(0).shape());
        assertEquals(53 / 8f, file.layer("conv").orElseThrow().weights().get(0).data()[53]);
        assertEquals(List.of("predictions/kernel:0", "predictions/bias:0"),
                file.layer("predictions").orElseThrow().weights().stream().map(KerasTensor::name).toList());
        assertEquals(54 + 6 + 3, file.parameterCount());
    }
}
