package io.xceptionspark.bench;

import ai.djl.inference.Predictor;
import io.xceptionspark.image.ImagePreprocessor;
import io.xceptionspark.image.JpegDraft;
import io.xceptionspark.image.PreprocessConfig;
import io.xceptionspark.image.RgbImage;
import io.xceptionspark.inference.BatchOutput;
import io.xceptionspark.inference.ImageBatch;
import io.xceptionspark.inference.ModelLoader;
import io.xceptionspark.inference.ModelSpec;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.scoring.Scores;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How far {@code preprocess.jpeg-draft = auto} is from the exact path: per image set, the mean |diff| of
 * the 299x299 crop (8-bit values), the share of images decoded as a draft at all, and the cosine of the
 * network's avg-pooled embeddings and top-1 agreement (float32, batch 1) between the two inputs.
 * Usage: {@code DraftDeviation WEIGHTS.h5 IMAGE_DIR...} (the images as PreprocessBenchmark makes them).
 */
public final class DraftDeviation {
    private DraftDeviation() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: DraftDeviation WEIGHTS.h5 IMAGE_DIR...");
            System.exit(2);
        }
        PreprocessConfig exact = PreprocessConfig.defaults();
        PreprocessConfig auto = exact.withJpegDraft(JpegDraft.AUTO);
        ImagePreprocessor exactPrep = new ImagePreprocessor(exact);
        ImagePreprocessor draftPrep = new ImagePreprocessor(auto);
        try (ScoringModel model = ModelLoader.load(ModelSpec.xception(args[0]));
             Predictor<ImageBatch, BatchOutput> predictor = model.newPredictor()) {
            System.out.println("set | images | drafted | crop mean |diff| (mean, max over images) | embedding cosine"
                    + " (min, mean) | top-1 equal");
            for (int a = 1; a < args.length; a++) {
                List<byte[]> images = PreprocessBenchmark.loadImages(Path.of(args[a]));
                double diffSum = 0;
                double diffMax = 0;
                double cosMin = 1;
                double cosSum = 0;
                int drafted = 0;
                int sameTop1 = 0;
                for (byte[] image : images) {
                    RgbImage e = exactPrep.prepareRgb(image);
                    RgbImage d = draftPrep.prepareRgb(image);
                    double diff = meanAbsDiff(e.pixels(), d.pixels());
                    drafted += diff > 0 ? 1 : 0;
                    diffSum += diff;
                    diffMax = Math.max(diffMax, diff);
                    BatchOutput oe = predictor.predict(batch(exactPrep, image, exact));
                    BatchOutput od = predictor.predict(batch(draftPrep, image, exact));
                    double cos = Scores.cosine(oe.embeddings()[0], od.embeddings()[0]);
                    cosMin = Math.min(cosMin, cos);
                    cosSum += cos;
                    sameTop1 += argmax(oe.logits()[0]) == argmax(od.logits()[0]) ? 1 : 0;
                }
                int n = images.size();
                System.out.printf("%s | %d | %d | %.3f, %.3f | %.5f, %.5f | %d of %d%n", args[a], n, drafted,
                        diffSum / n, diffMax, cosMin, cosSum / n, sameTop1, n);
            }
        }
    }

    private static ImageBatch batch(ImagePreprocessor prep, byte[] image, PreprocessConfig config) {
        float[] data = new float[config.floatsPerImage()];
        Optional<?> failed = prep.prepareInto(image, data, 0);
        if (failed.isPresent()) {
            throw new IllegalStateException("image failed: " + failed.get());
        }
        return new ImageBatch(data, 1, config.height(), config.width());
    }

    static double meanAbsDiff(byte[] a, byte[] b) {
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return (double) sum / a.length;
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
