package io.xceptionspark.model;

import java.io.Serializable;

/**
 * The head of a built-in network (Keras' {@code include_top}, {@code pooling}, {@code classes},
 * {@code classifier_activation}; timm's {@code num_classes} / {@code global_pool}). A TorchScript model's head
 * is whatever its file holds: it declares its outputs instead
 * ({@link io.xceptionspark.inference.PretrainedWeights#torchScriptOutputs()}).
 *
 * @param includeTop whether the classifier is part of the network
 * @param pooling global pooling of the last feature map when include_top is false
 * @param classes classifier width
 * @param activation softmax probabilities or raw logits
 */
public record HeadOptions(boolean includeTop, Pooling pooling, int classes, ClassifierActivation activation)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The ImageNet classifier: 1000 classes, softmax, on average pooling. */
    public static final HeadOptions IMAGENET = new HeadOptions(true, Pooling.AVG, XceptionOptions.IMAGENET_CLASSES,
            ClassifierActivation.SOFTMAX);

    public HeadOptions {
        if (pooling == null || activation == null) {
            throw new IllegalArgumentException("model.pooling and the classifier activation must be set");
        }
        if (includeTop && classes < 1) {
            throw new IllegalArgumentException("model.classes must be >= 1 when model.include-top is true (got "
                    + classes + ")");
        }
    }

    /** The pooling actually applied to produce the embedding: average whenever the classifier is on. */
    public Pooling effectivePooling() {
        return includeTop ? Pooling.AVG : pooling;
    }

    /** The feature extractor (no classifier) with the given global pooling. */
    public static HeadOptions features(Pooling pooling) {
        return new HeadOptions(false, pooling, XceptionOptions.IMAGENET_CLASSES, ClassifierActivation.NONE);
    }
}
