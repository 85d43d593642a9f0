package io.xceptionspark.model;

/**
 * The architecture options of {@code keras.applications.Xception} (weights are chosen separately).
 *
 * @param includeTop whether the 1000-way (or {@code classes}-way) classifier is part of the network
 * @param pooling global pooling of the last feature map when include_top is false (ignored otherwise:
 *     the classifier always sits on average pooling, as in Keras)
 * @param classes classifier width
 * @param classifierActivation softmax probabilities or raw logits for the classifier scores
 * @param inputHeight input rows (>= 71)
 * @param inputWidth input columns (>= 71)
 */
public record XceptionOptions(
        boolean includeTop,
        Pooling pooling,
        int classes,
        ClassifierActivation classifierActivation,
        int inputHeight,
        int inputWidth) {

    /** Keras' minimum: below 71 pixels the exit flow's feature map would vanish. */
    public static final int MIN_INPUT_SIZE = 71;
    public static final int DEFAULT_INPUT_SIZE = 299;
    public static final int IMAGENET_CLASSES = 1000;
    public static final int EMBEDDING_SIZE = 2048;

    public XceptionOptions {
        if (pooling == null || classifierActivation == null) {
            throw new IllegalArgumentException("pooling and classifier activation must be set");
        }
        InputShape.check(inputHeight, inputWidth, 3);
        if (includeTop && classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1 when include_top is true (got " + classes + ")");
        }
    }

    /** The Keras defaults: include_top, 1000 classes, softmax, 299x299. */
    public static XceptionOptions defaults() {
        return new XceptionOptions(true, Pooling.AVG, IMAGENET_CLASSES, ClassifierActivation.SOFTMAX,
                DEFAULT_INPUT_SIZE, DEFAULT_INPUT_SIZE);
    }

    /** Feature extractor (include_top false) with the given global pooling. */
    public static XceptionOptions notop(Pooling pooling, int height, int width) {
        return new XceptionOptions(false, pooling, IMAGENET_CLASSES, ClassifierActivation.NONE, height, width);
    }

    public XceptionOptions withInputSize(int height, int width) {
        return new XceptionOptions(includeTop, pooling, classes, classifierActivation, height, width);
    }

    /** The pooling actually applied to produce the embedding: average whenever the classifier is on. */
    public Pooling effectivePooling() {
        return includeTop ? Pooling.AVG : pooling;
    }
}
