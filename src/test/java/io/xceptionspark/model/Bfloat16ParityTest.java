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
import io.xceptionspark.inference.InferenceThreads;
import io.xceptionspark.testing.Golden;
import io.xceptionspark.testing.TestData;
import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.KerasWeightsFile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bfloat16 program against float32 on the formula fixture (the five 299x299 images), one test per pooling
 * mode, plus odd and even input sides. These weights amplify any rounding: rounding nothing but the input image
 * to bfloat16 and running everything else in float32 already gives a max-pooled cosine of 0.9993. So this class
 * reports the figures (docs/MODEL.md quotes them) and holds them only to a sanity floor that catches a broken
 * program (a wrong layout or weight gives cosines near 0), not to the accuracy bound: that bound is checked on
 * weights conditioned like trained ones (Bfloat16HashParityTest).
 */
class Bfloat16ParityTest {
    private static final String[] IMAGES = {"chelsea.png", "coffee.png", "dog.png", "rocket.png", "camera.png"};
    /** Far below what bfloat16 gives here (0.98-0.9999, docs/MODEL.md); a broken program is far below it. */
    private static final double SANITY_COSINE = 0.95;
    private static List<KerasLayer> withTop;
    private static float[] batch;

    /** A forward pass's inputs; {@code input} by identity (the batch, its rounded copy or a crop). */
    private record Pass(XceptionOptions options, Precision precision, float[] input) {}

    /** Passes already run in this class: several tests compare against the same float32 pass. */
    private static final Map<Pass, float[][][]> PASSES = new HashMap<>();

    @AfterAll
    static void forgetPasses() {
        PASSES.clear();
    }

    @BeforeAll
    static void readFixtures() {
        InferenceThreads.prepareCurrentThread(2);
        withTop = KerasWeightsFile.read(TestData.path(Golden.WEIGHTS)).layers();
        int per = 3 * 299 * 299;
        batch = new float[IMAGES.length * per];
        for (int i = 0; i < IMAGES.length; i++) {
            System.arraycopy(TestData.kerasInput(TestData.path(Golden.IMAGES + "/" + IMAGES[i])), 0, batch, i * per, per);
        }
    }

    @Test
    void includeTopEmbeddingAndLogitsAgainstFloat32() {
        float[][][] fp32 = run(XceptionOptions.defaults(), withTop, Precision.FLOAT32, batch, 299, 299);
        float[][][] bf16 = run(XceptionOptions.defaults(), withTop, Precision.BFLOAT16, batch, 299, 299);
        assertEquals(3, bf16.length, "embedding, logits, predictions");
        double worstCosine = reportCosines("include_top", fp32[0], bf16[0]);
        double worstLogits = 0;
        int flips = 0;
        for (int i = 0; i < IMAGES.length; i++) {
            float[] ref = fp32[1][i];
            worstLogits = Math.max(worstLogits, TestData.maxAbsDiff(ref, bf16[1][i]) / TestData.maxAbs(ref));
            if (TestData.topK(ref, 1)[0] != TestData.topK(bf16[1][i], 1)[0]) {
                flips++;
            }
            assertEquals(TestData.topK(bf16[1][i], 1)[0], TestData.topK(bf16[2][i], 1)[0],
                    IMAGES[i] + ": softmax keeps the logits' top-1");
            double sum = 0;
            for (float p : bf16[2][i]) {
                sum += p;
            }
            assertEquals(1.0, sum, 1e-4, IMAGES[i] + ": softmax sums to 1");
        }
        System.out.printf("bfloat16 on the formula fixture, include_top: worst embedding cosine %.6f,"
                + " worst logits max rel diff %.4f, top-1 flips %d of %d%n",
                worstCosine, worstLogits, flips, IMAGES.length);
        assertTrue(worstCosine >= SANITY_COSINE, "include_top embedding cosine " + worstCosine);
    }

    @Test
    void avgPoolingEmbeddingAgainstFloat32() {
        notopFigures(Pooling.AVG, batch, 299, 299);
    }

    @Test
    void maxPoolingEmbeddingAgainstFloat32AndTheRoundedInput() {
        notopFigures(Pooling.MAX, batch, 299, 299);
        reportRoundedInput(Pooling.MAX);
    }

    @Test
    void noPoolingFeatureMapAgainstFloat32AndTheRoundedInput() {
        XceptionOptions options = XceptionOptions.notop(Pooling.NONE, 299, 299);
        float[][][] fp32 = run(options, notopLayers(), Precision.FLOAT32, batch, 299, 299);
        float[][][] bf16 = run(options, notopLayers(), Precision.BFLOAT16, batch, 299, 299);
        assertEquals(1, bf16.length);
        assertEquals(fp32[0][0].length, bf16[0][0].length, "[2048, 10, 10] per image");
        double worst = reportCosines("pooling none (feature map)", fp32[0], bf16[0]);
        assertTrue(worst >= SANITY_COSINE, "feature-map cosine " + worst);
        reportRoundedInput(Pooling.NONE);
    }

    /**
     * The figure the bfloat16 network's figures are read against: float32's worst cosine on the input rounded
     * to bfloat16, everything else in float32. It is below 0.9999 on these weights, which is why this fixture
     * cannot carry an accuracy bound.
     */
    private static void reportRoundedInput(Pooling pooling) {
        XceptionOptions options = XceptionOptions.notop(pooling, 299, 299);
        float[] rounded = batch.clone();
        for (int i = 0; i < rounded.length; i++) {
            rounded[i] = roundToBfloat16(rounded[i]);
        }
        float[][] fp32 = run(options, notopLayers(), Precision.FLOAT32, batch, 299, 299)[0];
        float[][] floor = run(options, notopLayers(), Precision.FLOAT32, rounded, 299, 299)[0];
        double worstRounded = 1;
        for (int i = 0; i < IMAGES.length; i++) {
            worstRounded = Math.min(worstRounded, cosine(fp32[i], floor[i]));
        }
        System.out.printf("pooling %s: worst cosine of float32 on the bfloat16-rounded input %.6f%n",
                pooling, worstRounded);
        assertTrue(worstRounded < 0.9999, "rounding the input alone already leaves 0.9999: " + worstRounded);
    }

    /** Round to nearest even bfloat16 (the top 16 bits of a float32), returned as float32. */
    static float roundToBfloat16(float v) {
        int bits = Float.floatToRawIntBits(v);
        bits += 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xFFFF0000);
    }

    /**
     * The same images give the same numbers, run after run, also after the float32 model the weights came
     * from is gone and its memory reused (the program must own copies, not views of Java-owned buffers).
     */
    @Test
    void bfloat16IsRepeatableAndOwnsItsWeights() throws Exception {
        XceptionOptions options = XceptionOptions.notop(Pooling.MAX, 75, 76);
        float[] cropped = crop(batch, IMAGES.length, 75, 76);
        try (Model model = XceptionModels.withKerasWeights(options, notopLayers(), "xception_formula.h5",
                new RuntimeOptions(Precision.BFLOAT16, true));
             Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] first = predictor.predict(new NDList(manager.create(cropped, new Shape(5, 3, 75, 76))))
                    .get(0).toFloatArray();
            churnNativeMemory();
            float[] second = predictor.predict(new NDList(manager.create(cropped, new Shape(5, 3, 75, 76))))
                    .get(0).toFloatArray();
            org.junit.jupiter.api.Assertions.assertArrayEquals(first, second, 0f);
        }
    }

    /** Collects garbage and refills freed direct memory with garbage values. */
    private static void churnNativeMemory() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            java.util.List<java.nio.ByteBuffer> filled = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(1 << 20);
                while (b.remaining() >= 4) {
                    b.putFloat(Float.NaN);
                }
                filled.add(b);
            }
            filled.clear();
        }
    }

    /** 'same' max-pooling pads odd and even sides differently: both, at small and non-square sizes. */
    @Test
    void oddAndEvenInputSidesAgainstFloat32() {
        int[][] sizes = {{71, 71}, {100, 131}};
        for (int[] size : sizes) {
            float[] cropped = crop(batch, IMAGES.length, size[0], size[1]);
            notopFigures(Pooling.AVG, cropped, size[0], size[1]);
        }
    }

    private static void notopFigures(Pooling pooling, float[] input, int h, int w) {
        XceptionOptions options = XceptionOptions.notop(pooling, h, w);
        float[][][] fp32 = run(options, notopLayers(), Precision.FLOAT32, input, h, w);
        float[][][] bf16 = run(options, notopLayers(), Precision.BFLOAT16, input, h, w);
        assertEquals(1, bf16.length);
        assertEquals(XceptionOptions.EMBEDDING_SIZE, bf16[0][0].length);
        double worst = reportCosines(pooling + " " + h + "x" + w, fp32[0], bf16[0]);
        double worstRel = 0;
        for (int i = 0; i < IMAGES.length; i++) {
            worstRel = Math.max(worstRel, TestData.maxAbsDiff(fp32[0][i], bf16[0][i]) / TestData.maxAbs(fp32[0][i]));
        }
        System.out.printf("bfloat16 on the formula fixture, pooling %s %dx%d: worst embedding cosine %.6f,"
                + " max rel diff %.4f%n", pooling, h, w, worst, worstRel);
        assertTrue(worst >= SANITY_COSINE, pooling + " " + h + "x" + w + " cosine " + worst);
    }

    private static List<KerasLayer> notopLayers() {
        return withTop.subList(0, withTop.size() - 1);
    }

    /** Prints every image's cosine; returns the worst. */
    private static double reportCosines(String what, float[][] ref, float[][] got) {
        StringBuilder line = new StringBuilder("bfloat16 cosines " + what + ":");
        double worst = 1;
        for (int i = 0; i < ref.length; i++) {
            double cosine = cosine(ref[i], got[i]);
            worst = Math.min(worst, cosine);
            line.append(String.format(" %s %.6f", IMAGES[i], cosine));
        }
        System.out.println(line);
        return worst;
    }

    /** Every output of one forward pass over the batch: [output][image][values] (run once per class). */
    private static float[][][] run(XceptionOptions options, List<KerasLayer> layers, Precision precision,
                                   float[] input, int h, int w) {
        return PASSES.computeIfAbsent(new Pass(options, precision, input),
                pass -> forward(options, layers, precision, input, h, w));
    }

    private static float[][][] forward(XceptionOptions options, List<KerasLayer> layers, Precision precision,
                                       float[] input, int h, int w) {
        int n = IMAGES.length;
        try (Model model = XceptionModels.withKerasWeights(options, layers, "xception_formula.h5",
                new RuntimeOptions(precision, true));
             Predictor<NDList, NDList> predictor = model.newPredictor(new NoopTranslator());
             NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDList out = predictor.predict(new NDList(manager.create(input, new Shape(n, 3, h, w))));
            float[][][] rows = new float[out.size()][n][];
            for (int o = 0; o < out.size(); o++) {
                NDArray array = out.get(o);
                assertEquals(n, array.getShape().get(0));
                float[] flat = array.toFloatArray();
                int per = flat.length / n;
                for (int i = 0; i < n; i++) {
                    rows[o][i] = java.util.Arrays.copyOfRange(flat, i * per, (i + 1) * per);
                }
            }
            out.close();
            return rows;
        } catch (ai.djl.translate.TranslateException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] crop(float[] images, int n, int h, int w) {
        float[] out = new float[n * 3 * h * w];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < h; y++) {
                    System.arraycopy(images, ((i * 3 + c) * 299 + y) * 299, out, ((i * 3 + c) * h + y) * w, w);
                }
            }
        }
        return out;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
