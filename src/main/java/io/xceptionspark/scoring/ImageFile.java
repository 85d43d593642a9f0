package io.xceptionspark.scoring;

import io.xceptionspark.image.ImageErrorCode;

/** One input file for the scorer: its bytes, or why they could not be read. */
public record ImageFile(byte[] bytes, ScoreResult.Failed readFailure) {
    public static ImageFile of(byte[] bytes) {
        return new ImageFile(bytes, null);
    }

    public static ImageFile failed(String code, String message) {
        return new ImageFile(null, new ScoreResult.Failed(code, message));
    }

    /** A file over the size limit, left unread (callers ask the scorer: {@link BatchScorer#overLimit}). */
    static ImageFile tooLarge(long length, long maxBytes) {
        return failed(ImageErrorCode.TOO_LARGE.name(), "file has " + length + " bytes, over the limit"
                + " preprocess.max-file-bytes = " + maxBytes + "; it was not read");
    }
}
