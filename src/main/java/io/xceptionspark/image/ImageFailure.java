package io.xceptionspark.image;

/**
 * A bad image, as a checked exception inside the decode pipeline so that deep checks (limits,
 * headers) can stop work at once; {@link ImagePreprocessor} turns it into a
 * {@link PreparedImage.Failed} value. No stack trace: this is an expected outcome, not a bug.
 */
public final class ImageFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final ImageErrorCode code;

    public ImageFailure(ImageErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ImageErrorCode code() {
        return code;
    }

    public PreparedImage.Failed toFailed() {
        return new PreparedImage.Failed(code, getMessage());
    }
}
