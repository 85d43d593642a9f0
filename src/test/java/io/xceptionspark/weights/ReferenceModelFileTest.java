package io.xceptionspark.weights;

import io.jhdf.HdfFile;
import io.jhdf.object.message.DataLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Full-size, uncompressed, contiguous files in the official layout (all 134 layer names, weightless ones
 * with an empty weight_names), made by h5py through scripts/make-reference-model.sh. Runs only with
 * {@code -Dreference.model.dir=DIR}, so the suite never needs Python.
 */
@EnabledIfSystemProperty(named = "reference.model.dir", matches = ".+")
class ReferenceModelFileTest {

    private static Path dir;

    @BeforeAll
    static void locate() {
        dir = Path.of(System.getProperty("reference.model.dir"));
        assertTrue(Files.isRegularFile(dir.resolve("xception_ref.h5")),
                "run scripts/make-reference-model.sh " + dir + " first");
    }

    @Test
    void readsTheIncludeTopFile() throws IOException {
        Path h5 = dir.resolve("xception_ref.h5");
        assertContiguous(h5, "block14_sepconv2/block14_sepconv2/pointwise_kernel:0");

        KerasWeightsFile file = KerasWeightsFile.read(h5);

        List<String> all = Files.readAllLines(SharedFixtures.kerasLayersTxt()).stream().map(String::strip)
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
    }

    @Test
    void readsTheNoTopFileWithTheSameWeights() {
        KerasWeightsFile top = KerasWeightsFile.read(dir.resolve("xception_ref.h5"));
        KerasWeightsFile notop = KerasWeightsFile.read(dir.resolve("xception_ref_notop.h5"));

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
