package io.xceptionspark.weights;

import io.jhdf.HdfFile;
import io.jhdf.object.message.DataLayout;
import io.xceptionspark.model.HashWeights;
import io.xceptionspark.testing.HashFixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full-size files in the official layout (all 134 layer names, weightless layers included; contiguous,
 * uncompressed datasets), as Keras' save_weights writes them: the hash fixture's weights written by
 * {@link HashFixtures}.
 */
class KerasWeightsFileFullSizeTest {

    @Test
    void readsTheIncludeTopFile() throws IOException {
        Path h5 = HashFixtures.kerasH5(true);
        assertContiguous(h5, "block14_sepconv2/block14_sepconv2/pointwise_kernel:0");

        KerasWeightsFile file = KerasWeightsFile.read(h5);

        List<String> all = Files.readAllLines(WeightsFixtures.kerasLayersTxt()).stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        assertEquals(134, all.size());
        assertEquals(all, file.layerNames());
        assertEquals(KerasWeightsFileFormulaTest.weightedKerasLayers(),
                file.layers().stream().map(KerasLayer::name).toList());
        assertEquals(81, file.layers().size());
        assertEquals("2.1.3", file.kerasVersion().orElseThrow());
        assertEquals("tensorflow", file.backend().orElseThrow());
        assertEquals(22_910_480L, file.parameterCount());
        assertArrayEquals(new int[] {2048, 1000}, file.layer("predictions").orElseThrow().weights().get(0).shape());
        assertArrayEquals(new int[] {3, 3, 3, 32},
                file.layer("block1_conv1").orElseThrow().weight("kernel").orElseThrow().shape());
        for (float v : file.layer("block14_sepconv2_bn").orElseThrow().weight("moving_variance").orElseThrow().data()) {
            assertTrue(v > 0, "BN variances are positive");
        }
        // every value read back from the contiguous datasets, in Keras layout
        assertEquals(HashWeights.keras(true), file.layers());
    }

    @Test
    void readsTheNoTopFileWithTheSameWeights() {
        KerasWeightsFile top = KerasWeightsFile.read(HashFixtures.kerasH5(true));
        KerasWeightsFile notop = KerasWeightsFile.read(HashFixtures.kerasH5(false));

        assertEquals(132, notop.layerNames().size());
        assertFalse(notop.layerNames().contains("avg_pool"));
        assertEquals(80, notop.layers().size());
        assertTrue(notop.layer("predictions").isEmpty());
        assertEquals(22_910_480L - 2048 * 1000 - 1000, notop.parameterCount());
        // the same model saved twice: every weighted layer but the top is identical
        assertEquals(top.layers().subList(0, 80), notop.layers());
    }

    private static void assertContiguous(Path h5, String dataset) {
        try (HdfFile f = new HdfFile(h5)) {
            assertEquals(DataLayout.CONTIGUOUS, f.getDatasetByPath(dataset).getDataLayout());
            assertTrue(f.getDatasetByPath(dataset).getFilters().isEmpty());
        }
    }
}
