package io.xceptionspark.inference;

/**
 * A batch of preprocessed images, channels-first float32, laid out [size, 3, height, width] at the
 * start of {@code data}. The buffer may be longer than the batch (it is reused between batches).
 */
public record ImageBatch(float[] data, int size, int height, int width) {
    public ImageBatch {
        if (size < 1 || (long) size * 3 * height * width > data.length) {
            throw new IllegalArgumentException("batch of " + size + " images of " + height + "x" + width
                    + " does not fit a buffer of " + data.length + " floats");
        }
    }

    public int floatsPerImage() {
        return 3 * height * width;
    }
}
