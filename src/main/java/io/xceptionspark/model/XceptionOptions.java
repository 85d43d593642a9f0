package io.xceptionspark.model;

/**
 * The options {@code keras.applications.Xception} builds from (weights are chosen separately): the head and the
 * input size.
 *
 * @param head include_top, pooling, classes and classifier activation
 * @param inputHeight input rows (>= 71)
 * @param inputWidth input columns (>= 71)
 */
public record XceptionOptions(HeadOptions head, int inputHeight, int inputWidth) {

    /** Keras' minimum: below 71 pixels the exit flow's feature map would vanish. */
    public static final int MIN_INPUT_SIZE = 71;
    public static final int DEFAULT_INPUT_SIZE = 299;
    public static final int IMAGENET_CLASSES = 1000;
    public static final int EMBEDDING_SIZE = 2048;

    public XceptionOptions {
        if (head == null) {
            throw new IllegalArgumentException("the head options must be set");
        }
        InputShape.check(inputHeight, inputWidth, 3);
    }

    /** The Keras defaults: include_top, 1000 classes, softmax, 299x299. */
    public static XceptionOptions defaults() {
        return new XceptionOptions(HeadOptions.IMAGENET, DEFAULT_INPUT_SIZE, DEFAULT_INPUT_SIZE);
    }

    /** Feature extractor (include_top false) with the given global pooling. */
    public static XceptionOptions notop(Pooling pooling, int height, int width) {
        return new XceptionOptions(HeadOptions.features(pooling), height, width);
    }

    public XceptionOptions withInputSize(int height, int width) {
        return new XceptionOptions(head, height, width);
    }

    public boolean includeTop() {
        return head.includeTop();
    }

    public Pooling pooling() {
        return head.pooling();
    }

    public int classes() {
        return head.classes();
    }

    public ClassifierActivation classifierActivation() {
        return head.activation();
    }

    /** The pooling actually applied to produce the embedding: average whenever the classifier is on. */
    public Pooling effectivePooling() {
        return head.effectivePooling();
    }
}
