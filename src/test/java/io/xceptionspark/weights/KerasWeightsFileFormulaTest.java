package io.xceptionspark.weights;

import io.xceptionspark.testing.FormulaWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reads the chunked + gzip + shuffle compressed formula fixture and checks names, shapes and values. */
class KerasWeightsFileFormulaTest {

    private static KerasWeightsFile file;

    @BeforeAll
    static void read() {
        file = KerasWeightsFile.read(WeightsFixtures.formulaH5());
    }

    /** Keras' layer order without the weightless layers (input, activations, pooling, adds). */
    static List<String> weightedKerasLayers() throws IOException {
        return Files.readAllLines(WeightsFixtures.kerasLayersTxt()).stream().map(String::strip)
                .filter(n -> n.matches("conv2d_\\d+|batch_normalization_\\d+|block\\d+_(conv|sepconv)\\d(_bn)?|predictions"))
                .toList();
    }

    @Test
    void hasTheWeightedLayersOfXceptionInKerasOrder() throws IOException {
        List<String> expected = weightedKerasLayers();
        assertEquals(81, expected.size(), "weighted layers counted from keras_layers.txt");
        List<String> names = file.layers().stream().map(KerasLayer::name).toList();
        assertEquals(expected, names);
        assertEquals("block1_conv1", names.get(0));
        assertEquals("predictions", names.get(80));
        // this fixture lists only weighted layers
        assertEquals(expected, file.layerNames());
        assertEquals("2.2.4", file.kerasVersion().orElseThrow());
        assertEquals("tensorflow", file.backend().orElseThrow());
    }

    @Test
    void tensorsHaveKerasShapesAndNamesInWeightNamesOrder() {
        assertShape("block1_conv1", "kernel", 3, 3, 3, 32);
        assertShape("block2_sepconv1", "depthwise_kernel", 3, 3, 64, 1);
        assertShape("block2_sepconv1", "pointwise_kernel", 1, 1, 64, 128);
        assertShape("conv2d_1", "kernel", 1, 1, 64, 128);
        assertShape("block14_sepconv2", "pointwise_kernel", 1, 1, 1536, 2048);
        assertShape("predictions", "kernel", 2048, 1000);
        assertShape("predictions", "bias", 1000);
        KerasLayer bn = file.layer("batch_normalization_4").orElseThrow();
        assertEquals(List.of("batch_normalization_4/gamma:0", "batch_normalization_4/beta:0",
                        "batch_normalization_4/moving_mean:0", "batch_normalization_4/moving_variance:0"),
                bn.weights().stream().map(KerasTensor::name).toList());
        assertShape("batch_normalization_4", "moving_variance", 1024);
        // Xception: 22,910,480 parameters including the BN moving statistics
        assertEquals(22_910_480L, file.parameterCount());
    }

    @ParameterizedTest
    @ValueSource(strings = {"block1_conv1/kernel:0", "block14_sepconv2/pointwise_kernel:0",
            "block2_sepconv1/depthwise_kernel:0", "batch_normalization_4/moving_variance:0",
            "block7_sepconv3_bn/gamma:0", "block1_conv1_bn/moving_mean:0", "predictions/bias:0",
            "predictions/kernel:0"})
    void everyValueMatchesTheFixtureFormula(String weightName) {
        KerasTensor t = tensor(weightName);
        float[] data = t.data();
        for (int i = 0; i < data.length; i++) {
            float want = FormulaWeights.expected(weightName, t.shape(), i);
            if (Math.abs(data[i] - want) > 1e-6) {
                throw new AssertionError(weightName + "[" + i + "] = " + data[i] + ", formula gives " + want);
            }
        }
        assertTrue(data.length > 0);
    }

    private static KerasTensor tensor(String weightName) {
        String layer = weightName.substring(0, weightName.indexOf('/'));
        return file.layer(layer).orElseThrow().weights().stream().filter(w -> w.name().equals(weightName))
                .findFirst().orElseThrow();
    }

    private static void assertShape(String layer, String weight, int... shape) {
        KerasTensor t = file.layer(layer).orElseThrow().weight(weight).orElseThrow();
        assertEquals(layer + "/" + weight + ":0", t.name());
        assertArrayEquals(shape, t.shape(), t.name());
    }
}
