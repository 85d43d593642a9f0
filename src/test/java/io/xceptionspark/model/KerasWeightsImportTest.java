package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.KerasTensor;
import io.xceptionspark.weights.KerasWeightsFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Keras HDF5 importer end to end, and every way a file can fail to fit the network. */
class KerasWeightsImportTest {
    private static final String FILE = "xception_formula.h5";
    private static List<KerasLayer> formulaLayers;

    @BeforeAll
    static void readFile() {
        formulaLayers = KerasWeightsFile.read(TestData.path("fixtures/keras-formula/" + FILE)).layers();
    }

    @Test
    void formulaFileThroughTheHdf5ImporterMatchesGolden() throws Exception {
        try (Model model = XceptionModels.withKerasWeights(XceptionOptions.defaults(), formulaLayers, FILE, true)) {
            XceptionGoldenParityTest.assertGolden(model);
        }
    }

    @Test
    void notopFileWithIncludeTopIsRefused() {
        List<KerasLayer> notop = formulaLayers.subList(0, formulaLayers.size() - 1);
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> XceptionModels.withKerasWeights(XceptionOptions.defaults(), notop, "notop.h5", true));
        assertTrue(e.getMessage().contains("notop.h5") && e.getMessage().contains("include_top is true")
                && e.getMessage().contains("include_top=false"), e.getMessage());
    }

    @Test
    void fullFileFeedsAFeatureExtractor() throws Exception {
        String image = "dog.png";
        try (Model model = XceptionModels.withKerasWeights(XceptionOptions.notop(Pooling.AVG, 299, 299),
                formulaLayers, FILE, true);
             Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.create(TestData.kerasInput(TestData.path(Golden.IMAGES + "/" + image)),
                    new Shape(1, 3, 299, 299));
            NDList out = predictor.predict(new NDList(x));
            assertEquals(1, out.size(), "the embedding only");
            float[] golden = TestData.floats(Golden.all().get(image).get("embedding"));
            float[] embedding = out.singletonOrThrow().toFloatArray();
            assertTrue(TestData.maxAbsDiff(golden, embedding) <= 1e-3 * TestData.maxAbs(golden),
                    "the notop network's embedding is the full file's");
        }
    }

    @Test
    void classCountMismatchNamesTheClassifierAndTheFix() {
        XceptionOptions five = new XceptionOptions(new HeadOptions(true, Pooling.AVG, 5, ClassifierActivation.SOFTMAX),
                299, 299);
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> XceptionModels.withKerasWeights(five, formulaLayers, FILE, true));
        assertTrue(e.getMessage().contains(FILE) && e.getMessage().contains("'predictions'")
                && e.getMessage().contains("1000 classes but classes=5"), e.getMessage());
    }

    @Test
    void fileForAnotherNetworkNamesTheFirstMismatchingLayer() {
        // A ResNet-like stem: 7x7x3x64 first convolution.
        List<KerasLayer> other = new ArrayList<>(formulaLayers);
        other.set(0, new KerasLayer("conv1_conv", List.of(new KerasTensor("conv1_conv/kernel:0",
                new int[] {7, 7, 3, 64}, new float[7 * 7 * 3 * 64]))));
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> XceptionModels.withKerasWeights(XceptionOptions.defaults(), other, "resnet50.h5", true));
        assertTrue(e.getMessage().contains("resnet50.h5") && e.getMessage().contains("layer #1 'conv1_conv'")
                && e.getMessage().contains("[7, 7, 3, 64]") && e.getMessage().contains("[3, 3, 3, 32]"), e.getMessage());

        List<KerasLayer> shorter = new ArrayList<>(formulaLayers.subList(0, 40));
        WeightsMismatchException count = assertThrows(WeightsMismatchException.class,
                () -> XceptionModels.withKerasWeights(XceptionOptions.defaults(), shorter, "half.h5", true));
        assertTrue(count.getMessage().contains("half.h5 has 40 layers with weights but Xception (include_top=true) has 81"),
                count.getMessage());
    }

    @Test
    void swappedLayerOrderIsCaughtByShape() {
        List<KerasLayer> swapped = new ArrayList<>(formulaLayers);
        KerasLayer first = swapped.get(2);
        swapped.set(2, swapped.get(4));
        swapped.set(4, first);
        WeightsMismatchException e = assertThrows(WeightsMismatchException.class,
                () -> XceptionModels.withKerasWeights(XceptionOptions.defaults(), swapped, FILE, true));
        assertTrue(e.getMessage().contains("layer #3 'block2_sepconv1'"), e.getMessage());
    }
}
