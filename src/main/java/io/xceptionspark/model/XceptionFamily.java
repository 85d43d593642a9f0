package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * What every built-in Xception (Keras' and timm's aligned xception41/65/71) is: a features/head split as
 * timm's {@code forward_features} / {@code forward_head}. Both consume their input.
 */
public interface XceptionFamily {
    /** The 2048-channel feature map after the exit flow's last ReLU, from a [N, 3, H, W] input. */
    NDArray forwardFeatures(NDArray input);

    /** Global pooling (the embedding) and the classifier, as {@link NetworkOutput} lays them out. */
    NDList forwardHead(NDArray features);

    XceptionOptions options();
}
