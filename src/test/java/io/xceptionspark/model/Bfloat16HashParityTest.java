package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import io.xceptionspark.inference.InferenceThreads;
import io.xceptionspark.inference.ModelLoader;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.testing.HashFixtures;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.KerasWeightsFile;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every built-in network in bfloat16 against the same weights in float32, on the hash fixtures ({@link HashFixtures}:
 * random-looking, BatchNorm-calibrated weights that behave like trained ones; the five 299x299 images). The bounds
 * (docs/MODEL.md) per image: average-pooled embedding cosine >= 0.9995, max-pooled >= 0.998, and the same top-1
 * wherever float32's top-1/top-2 logit gap exceeds 2% of the logits' range (max - min). Logit differences and every
 * top-1 flip are printed, not bounded.
 */
class Bfloat16HashParityTest {
    static final double MIN_AVG_POOLED_COSINE = 0.9995;
    static final double MIN_MAX_POOLED_COSINE = 0.998;
    /** float32's top-1/top-2 gap, as a fraction of the logits' range, above which bfloat16 must keep the top-1. */
    static final double DECIDED_GAP = 0.02;
    private static int n;
    private static float[] batch;

    @BeforeAll
    static void inputs() {
        InferenceThreads.prepareCurrentThread(2);
        batch = HashFixtures.batch();
        n = HashFixtures.images().size();
    }

    @ParameterizedTest
    @ValueSource(strings = {"keras", "xception41", "xception65", "xception71"})
    void bfloat16StaysWithinTheBounds(String network) {
        XceptionOptions top = XceptionOptions.defaults();
        XceptionOptions max = XceptionOptions.notop(Pooling.MAX, 299, 299);
        float[][][] fp32 = run(network, top, Precision.FLOAT32);
        float[][][] bf16 = run(network, top, Precision.BFLOAT16);
        float[][] fp32Max = run(network, max, Precision.FLOAT32)[0];
        float[][] bf16Max = run(network, max, Precision.BFLOAT16)[0];
        assertEquals(3, bf16.length, "embedding, logits, predictions");
        double[] avgCosine = new double[n];
        double[] maxCosine = new double[n];
        double[] logitsRel = new double[n];
        List<String> flips = new ArrayList<>();
        List<String> decidedFlips = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            avgCosine[i] = Bfloat16ParityTest.cosine(fp32[0][i], bf16[0][i]);
            maxCosine[i] = Bfloat16ParityTest.cosine(fp32Max[i], bf16Max[i]);
            float[] logits = fp32[1][i];
            logitsRel[i] = TestData.maxAbsDiff(logits, bf16[1][i]) / TestData.maxAbs(logits);
            int[] top2 = TestData.topK(logits, 2);
            int bf16Top1 = TestData.topK(bf16[1][i], 1)[0];
            assertEquals(bf16Top1, TestData.topK(bf16[2][i], 1)[0], "softmax keeps the logits' top-1");
            if (bf16Top1 != top2[0]) {
                double gap = (logits[top2[0]] - logits[top2[1]]) / range(logits);
                String flip = String.format("image %d: %d -> %d (gap %.2f%% of the range)", i, top2[0], bf16Top1,
                        100 * gap);
                flips.add(flip);
                if (gap > DECIDED_GAP) {
                    decidedFlips.add(flip);
                }
            }
        }
        System.out.printf("bfloat16 %s on the hash fixture: avg-pooled cosine %s (worst %.6f), max-pooled %s (worst %.6f),"
                        + " logits max |diff| / max |logit| %s; top-1 flips: %s%n", network, Arrays.toString(avgCosine),
                min(avgCosine), Arrays.toString(maxCosine), min(maxCosine), Arrays.toString(logitsRel),
                flips.isEmpty() ? "none" : flips);
        for (int i = 0; i < n; i++) {
            assertTrue(avgCosine[i] >= MIN_AVG_POOLED_COSINE, network + " image " + i + ": avg-pooled cosine "
                    + avgCosine[i]);
            assertTrue(maxCosine[i] >= MIN_MAX_POOLED_COSINE, network + " image " + i + ": max-pooled cosine "
                    + maxCosine[i]);
        }
        assertTrue(decidedFlips.isEmpty(), network + ": top-1 flips where float32 decides: " + decidedFlips);
    }

    /** The loader runs every built-in network in bfloat16, and the identity written beside every row says so. */
    @Test
    void loaderNamesThePrecisionInTheIdentity() {
        String weights = HashFixtures.timmWeights("xception41").toString();
        try (ScoringModel model = ModelLoader.load(ModelSpec.timm("xception41", weights)
                .withPrecision(Precision.BFLOAT16))) {
            String identity = model.identity().toString();
            assertTrue(identity.matches("timm/xception41-bfloat16:sha256=[0-9a-f]{12}"), identity);
        }
        try (ScoringModel model = ModelLoader.load(ModelSpec.xception(HashFixtures.kerasH5(true).toString())
                .withPrecision(Precision.BFLOAT16))) {
            String identity = model.identity().toString();
            assertTrue(identity.startsWith("xception-bfloat16/"), identity);
        }
    }

    /** Every output of one forward pass over the batch: [output][image][values]. */
    private static float[][][] run(String network, XceptionOptions options, Precision precision) {
        try (Model model = model(network, options, precision);
             Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList out = predictor.predict(new NDList(manager.create(batch, new Shape(n, 3, 299, 299))));
            float[][][] rows = new float[out.size()][n][];
            for (int o = 0; o < out.size(); o++) {
                NDArray array = out.get(o);
                float[] flat = array.toFloatArray();
                int per = flat.length / n;
                for (int i = 0; i < n; i++) {
                    rows[o][i] = Arrays.copyOfRange(flat, i * per, (i + 1) * per);
                }
            }
            out.close();
            return rows;
        } catch (TranslateException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Model model(String network, XceptionOptions options, Precision precision) {
        if (network.equals("keras")) {
            List<KerasLayer> layers = KerasWeightsFile.read(HashFixtures.kerasH5(true)).layers();
            List<KerasLayer> used = options.includeTop() ? layers : layers.subList(0, layers.size() - 1);
            return XceptionModels.withKerasWeights(options, used, "xception_hash.h5", new RuntimeOptions(precision, true));
        }
        AlignedXception variant = AlignedXception.byId(network);
        return XceptionModels.withSafetensors(variant, options, HashFixtures.timmWeights(network),
                new RuntimeOptions(precision, true));
    }

    private static double range(float[] values) {
        float lo = Float.POSITIVE_INFINITY;
        float hi = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return hi - lo;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }
}
