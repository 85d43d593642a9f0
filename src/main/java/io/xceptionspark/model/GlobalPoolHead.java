package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * The head every Xception shares: global pooling of the last feature map gives the embedding, and the
 * classifier (when there is one) maps it to logits, then to softmax or raw scores ({@link NetworkOutput}).
 */
final class GlobalPoolHead {
    private GlobalPoolHead() {}

    /** Consumes {@code features}; {@code classifier} is null without include_top. */
    static NDList apply(NDArray features, XceptionOptions options, DenseLayer classifier) {
        Pooling pooling = options.effectivePooling();
        if (pooling == Pooling.NONE) {
            return new NDList(named(features, NetworkOutput.EMBEDDING));
        }
        NDArray embedding = globalPool(features, pooling);
        features.close();
        named(embedding, NetworkOutput.EMBEDDING);
        if (classifier == null) {
            return new NDList(embedding);
        }
        NDArray logits = named(classifier.apply(embedding), NetworkOutput.LOGITS);
        NDArray scores = options.classifierActivation() == ClassifierActivation.SOFTMAX
                ? logits.softmax(1)
                : logits.duplicate();
        return new NDList(embedding, logits, named(scores, NetworkOutput.PREDICTIONS));
    }

    /** The output shapes for a last feature map of h x w. */
    static Shape[] outputShapes(long n, int h, int w, XceptionOptions options) {
        int c = XceptionOptions.EMBEDDING_SIZE;
        if (options.effectivePooling() == Pooling.NONE) {
            return new Shape[] {new Shape(n, c, h, w)};
        }
        if (!options.includeTop()) {
            return new Shape[] {new Shape(n, c)};
        }
        Shape classes = new Shape(n, options.classes());
        return new Shape[] {new Shape(n, c), classes, classes};
    }

    /** Average or max over both spatial axes (the engine reduces over one axis at a time). */
    private static NDArray globalPool(NDArray features, Pooling pooling) {
        Shape s = features.getShape();
        try (NDArray flat = features.reshape(s.get(0), s.get(1), -1)) {
            return pooling == Pooling.AVG ? flat.mean(new int[] {2}) : flat.max(new int[] {2});
        }
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
