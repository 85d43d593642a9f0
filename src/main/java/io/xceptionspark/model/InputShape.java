package io.xceptionspark.model;

/** Keras' input-shape rules for Xception ({@code imagenet_utils.obtain_input_shape}, min size 71). */
public final class InputShape {
    private InputShape() {}

    /** Throws with a message naming the fix when (height, width, channels) cannot go through Xception. */
    public static void check(int height, int width, int channels) {
        if (channels != 3) {
            throw new IllegalArgumentException("Xception takes 3-channel (RGB) input; got " + channels
                    + " channels. Set input channels to 3.");
        }
        if (height < XceptionOptions.MIN_INPUT_SIZE || width < XceptionOptions.MIN_INPUT_SIZE) {
            throw new IllegalArgumentException("Xception input must be at least "
                    + XceptionOptions.MIN_INPUT_SIZE + "x" + XceptionOptions.MIN_INPUT_SIZE + " (height x width); got "
                    + height + "x" + width + ". Use a larger input size (default 299x299).");
        }
    }

    /** Spatial size after TF 'same' stride-2 ops: ceil(n / 2). */
    static int halfSame(int n) {
        return (n + 1) / 2;
    }

    /** Spatial size after a 'valid' 3x3 convolution with the given stride. */
    static int valid3x3(int n, int stride) {
        return (n - 3) / stride + 1;
    }
}
