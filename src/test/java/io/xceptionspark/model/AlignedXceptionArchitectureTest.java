package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The aligned Xceptions' structure as timm defines it: parameter counts (timm's published 26.97M / 39.92M /
 * 42.34M, exact values from the reference), state_dict keys and shapes, and the strict key/shape check.
 */
class AlignedXceptionArchitectureTest {
    private static AlignedXceptionNetwork network(AlignedXception variant) {
        return new AlignedXceptionNetwork(variant, XceptionOptions.defaults());
    }

    private static Map<String, Shape> shapes(AlignedXceptionNetwork network) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        network.torchWeights().forEach(w -> shapes.put(w.key(), w.shape()));
        return shapes;
    }

    @ParameterizedTest
    @CsvSource({"XCEPTION41, 26969560, 422, 13", "XCEPTION65, 39916312, 662, 21", "XCEPTION71, 42338736, 732, 23"})
    void parameterCountsAndTensorsAreTimms(AlignedXception variant, long params, int tensors, int blocks) {
        AlignedXceptionNetwork network = network(variant);
        assertEquals(params, network.parameterCount());
        assertEquals(tensors, network.torchWeights().size());
        Map<String, Shape> shapes = shapes(network);
        assertTrue(shapes.containsKey("blocks." + (blocks - 1) + ".stack.conv3.bn_pw.weight"));
        assertTrue(shapes.keySet().stream().noneMatch(k -> k.startsWith("blocks." + blocks + ".")));
        assertArrayEquals(new long[] {1, 2048},
                network.getOutputShapes(new Shape[] {new Shape(1, 3, 299, 299)})[0].getShape());
    }

    /** Conv and linear multiply-adds at 299x299, counted by forward hooks on timm_aligned_ref.py's modules. */
    @ParameterizedTest
    @CsvSource({"XCEPTION41, 9204134312", "XCEPTION65, 13852682216", "XCEPTION71, 17946553928"})
    void multiplyAddsMatchTheReference(AlignedXception variant, long macs) {
        assertEquals(macs, variant.multiplyAdds(299));
    }

    @Test
    void keysAndShapesFollowTimmsStateDict() {
        Map<String, Shape> x41 = shapes(network(AlignedXception.XCEPTION41));
        assertEquals(new Shape(32, 3, 3, 3), x41.get("stem.0.conv.weight"));
        assertEquals(new Shape(128, 64, 1, 1), x41.get("blocks.0.shortcut.conv.weight"));
        assertEquals(new Shape(64, 1, 3, 3), x41.get("blocks.0.stack.conv1.conv_dw.weight"));
        assertEquals(new Shape(728), x41.get("blocks.2.stack.conv3.bn_pw.running_var"));
        assertEquals(new Shape(1024, 728, 1, 1), x41.get("blocks.11.shortcut.conv.weight"));
        assertEquals(new Shape(2048, 1536, 1, 1), x41.get("blocks.12.stack.conv3.conv_pw.weight"));
        assertEquals(new Shape(1000, 2048), x41.get("head.fc.weight"));
        assertTrue(!x41.containsKey("blocks.3.shortcut.conv.weight") && !x41.containsKey("blocks.12.shortcut.conv.weight"),
                "middle blocks and exit2 have no shortcut");
        Map<String, Shape> x71 = shapes(network(AlignedXception.XCEPTION71));
        assertEquals(new Shape(256, 128, 1, 1), x71.get("blocks.1.shortcut.conv.weight"));
        assertEquals(new Shape(256, 256, 1, 1), x71.get("blocks.2.shortcut.conv.weight"));
        assertEquals(new Shape(728, 728, 1, 1), x71.get("blocks.4.shortcut.conv.weight"));
        assertEquals(new Shape(1024, 1, 3, 3), x71.get("blocks.22.stack.conv1.conv_dw.weight"));
        assertEquals(java.util.List.of("stem.0.conv.weight", "stem.0.bn.weight", "stem.0.bn.bias",
                "stem.0.bn.running_mean", "stem.0.bn.running_var"), x71.keySet().stream().limit(5).toList());
    }

    @Test
    void wrongShapeNamesTheKeyAndBothShapes() {
        AlignedXceptionNetwork network = network(AlignedXception.XCEPTION65);
        Map<String, Shape> file = shapes(network);
        file.put("blocks.4.stack.conv2.conv_pw.weight", new Shape(728, 512, 1, 1));
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> TimmWeightsImporter.check(network, file, "m.safetensors"));
        assertTrue(e.getMessage().contains("'blocks.4.stack.conv2.conv_pw.weight' has shape [728, 512, 1, 1] in the"
                + " file, timm xception65 expects [728, 728, 1, 1]"), e.getMessage());
    }

    @Test
    void classifierOfAnotherWidthNamesTheClassesKey() {
        AlignedXceptionNetwork network = network(AlignedXception.XCEPTION41);
        Map<String, Shape> file = shapes(network);
        file.put("head.fc.weight", new Shape(10, 2048));
        file.put("head.fc.bias", new Shape(10));
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> TimmWeightsImporter.check(network, file, "m.safetensors"));
        assertTrue(e.getMessage().contains("10 classes") && e.getMessage().contains("set model.classes"),
                e.getMessage());
    }

    @Test
    void keysOfAnotherVariantSayWhichItIs() {
        Map<String, Shape> x71 = shapes(network(AlignedXception.XCEPTION71));
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> TimmWeightsImporter.check(network(AlignedXception.XCEPTION41), x71, "m.safetensors"));
        assertTrue(e.getMessage().contains("those of timm xception71: set model.architecture = xception71"),
                e.getMessage());
    }

    @Test
    void kerasOrForeignKeysAreRecognised() {
        AlignedXceptionNetwork network = network(AlignedXception.XCEPTION65);
        Map<String, Shape> keras = Map.of("block1_conv1/kernel", new Shape(3, 3, 3, 32));
        assertTrue(assertThrows(WeightsMismatchException.class, () -> TimmWeightsImporter.check(network, keras, "k"))
                .getMessage().contains("model.architecture = xception"));
        Map<String, Shape> resnet = Map.of("conv1.weight", new Shape(64, 3, 7, 7), "fc.weight", new Shape(1000, 2048));
        String message = assertThrows(WeightsMismatchException.class,
                () -> TimmWeightsImporter.check(network, resnet, "r")).getMessage();
        assertTrue(message.contains("missing (first: 'stem.0.conv.weight' [32, 3, 3, 3])")
                && message.contains("another network"), message);
    }

    @Test
    void featureExtractorHasNoClassifierKeys() {
        AlignedXceptionNetwork notop = new AlignedXceptionNetwork(AlignedXception.XCEPTION41,
                XceptionOptions.notop(Pooling.AVG, 299, 299));
        assertTrue(shapes(notop).keySet().stream().noneMatch(k -> k.startsWith("head.")));
        assertEquals(26969560 - 2048 * 1000 - 1000, notop.parameterCount());
    }
}
