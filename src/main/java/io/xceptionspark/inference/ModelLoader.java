package io.xceptionspark.inference;

import ai.djl.Model;
import io.xceptionspark.model.XceptionModels;
import io.xceptionspark.model.XceptionOptions;
import io.xceptionspark.weights.Checksums;
import io.xceptionspark.weights.ImagenetWeights;
import io.xceptionspark.weights.KerasWeightsFile;
import io.xceptionspark.weights.WeightsException;
import io.xceptionspark.weights.WeightsSource;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Turns a {@link ModelSpec} into a loaded {@link ScoringModel}: resolves the weights, builds, checks. */
public final class ModelLoader {
    private ModelLoader() {}

    public static ScoringModel load(ModelSpec spec) {
        if (spec.isTorchScript()) {
            Path file = Paths.get(spec.torchScriptPath());
            String checksum = java.nio.file.Files.isRegularFile(file) ? "sha256=" + Checksums.shortId(file) : "";
            return TorchScriptModels.load(file, OutputLayout.parseTorchScript(spec.torchScriptOutputs()),
                    spec.inputHeight(), spec.inputWidth(), checksum);
        }
        XceptionOptions options = spec.xceptionOptions();
        WeightsSource source = WeightsSource.parse(spec.weights());
        OutputLayout layout = options.includeTop() ? OutputLayout.XCEPTION_WITH_TOP : OutputLayout.XCEPTION_NOTOP;
        int classes = options.includeTop() ? options.classes() : 0;
        int embedding = XceptionOptions.EMBEDDING_SIZE;
        if (source instanceof WeightsSource.RandomInit random) {
            long seed = spec.seed() != 0 ? spec.seed() : random.seed();
            Model model = XceptionModels.withRandomWeights(options, seed, spec.foldBatchNorm());
            return new ScoringModel(model, layout, new ModelIdentity("xception", "random", "seed=" + seed),
                    options.inputHeight(), options.inputWidth(), classes, embedding);
        }
        Path file;
        String kind;
        if (source instanceof WeightsSource.Imagenet) {
            checkImagenetOptions(options);
            ImagenetWeights cache = spec.weightsCacheDir().isBlank()
                    ? new ImagenetWeights(ImagenetWeights.defaultCacheDir(), spec.allowDownload())
                    : new ImagenetWeights(Paths.get(spec.weightsCacheDir()), spec.allowDownload());
            file = cache.resolve(options.includeTop());
            kind = "imagenet";
        } else if (source instanceof WeightsSource.LocalFile local) {
            file = local.path();
            kind = "keras-h5";
        } else {
            throw new WeightsException("Weights location " + spec.weights() + ": only local files and file: URIs"
                    + " are read directly; copy the file to local disk (or ship it with spark-submit --files)"
                    + " and point weights at it.");
        }
        KerasWeightsFile weightsFile = KerasWeightsFile.read(file);
        Model model = XceptionModels.withKerasWeights(options, weightsFile.layers(), file.toString(),
                spec.foldBatchNorm());
        return new ScoringModel(model, layout, new ModelIdentity("xception", kind, "sha256=" + Checksums.shortId(file)),
                options.inputHeight(), options.inputWidth(), classes, embedding);
    }

    /** Keras' rule: the ImageNet classifier needs 1000 classes at 299x299. */
    private static void checkImagenetOptions(XceptionOptions options) {
        if (!options.includeTop()) {
            return;
        }
        if (options.classes() != XceptionOptions.IMAGENET_CLASSES) {
            throw new IllegalArgumentException("weights=imagenet with include_top needs classes=1000 (got "
                    + options.classes() + "). Use include_top=false, or your own weights file for " + options.classes()
                    + " classes.");
        }
        if (options.inputHeight() != XceptionOptions.DEFAULT_INPUT_SIZE
                || options.inputWidth() != XceptionOptions.DEFAULT_INPUT_SIZE) {
            throw new IllegalArgumentException("weights=imagenet with include_top needs a 299x299 input (got "
                    + options.inputHeight() + "x" + options.inputWidth() + "). Use input 299x299, or include_top=false.");
        }
    }
}
