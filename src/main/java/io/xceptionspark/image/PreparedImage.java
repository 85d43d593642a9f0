package io.xceptionspark.image;

import java.util.Objects;

/** The outcome of preparing one image file: a network input, or a typed error. */
public sealed interface PreparedImage permits PreparedImage.Ready, PreparedImage.Failed {

    /**
     * A network input.
     *
     * @param chw channels-first RGB floats, {@code x / 127.5 - 1}, length {@code 3 * height * width}
     */
    record Ready(float[] chw, int height, int width) implements PreparedImage {
        public Ready {
            Objects.requireNonNull(chw, "chw");
            if (height < 1 || width < 1 || chw.length != 3 * height * width) {
                throw new IllegalArgumentException(
                        "chw length " + chw.length + " does not match 3x" + height + "x" + width);
            }
        }
    }

    /** A bad image: a stable code for filtering and a message for people. */
    record Failed(ImageErrorCode code, String message) implements PreparedImage {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
