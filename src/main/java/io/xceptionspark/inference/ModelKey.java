package io.xceptionspark.inference;

import io.xceptionspark.model.HeadOptions;
import io.xceptionspark.model.Precision;

/**
 * What a loaded model computes, and nothing else: the key of {@link ModelCache}. Two specs with the same key
 * share one loaded model, whatever the paths, URIs or cache directories their weights were found through: the
 * weights count by their content (SHA-256), random weights by their seed.
 *
 * <p>Folding is part of the key although it is meant to keep the numbers: in float32 the folded program and the
 * op-by-op network differ in round-off (measured on the hash fixtures' five images: logits by up to 1.7e-5 for
 * Keras' xception and 4.3e-5 for xception41, embeddings by up to 6e-6), and fold-batchnorm = false asks for
 * the op-by-op reference. bfloat16 always folds.
 *
 * @param layout what the model returns (from the head, or a TorchScript file's declaration)
 * @param weights the kind the identity names ({@code imagenet}, {@code keras-h5}, a TorchScript file name...)
 *                and {@code sha256=<hex>} of the file; {@code seed=<n>} for random weights; {@code missing=<path>}
 *                for a TorchScript file not on this node (whose load then fails)
 */
public record ModelKey(Architecture architecture, HeadOptions head, OutputLayout layout, int inputHeight,
                       int inputWidth, Precision precision, boolean folded, String weights) {

    /** The key of {@code spec} once its weights are found on this node. */
    static ModelKey of(ModelSpec spec, ModelLoader.LocatedWeights weights) {
        // a TorchScript file's head is the file's own: the head options mean nothing for it
        HeadOptions head = spec.isTorchScript() ? HeadOptions.IMAGENET : spec.head();
        return new ModelKey(spec.architecture(), head, spec.outputLayout(), spec.inputHeight(), spec.inputWidth(),
                spec.precision(), spec.isTorchScript() || spec.runtime().folded(), weights.identity());
    }
}
