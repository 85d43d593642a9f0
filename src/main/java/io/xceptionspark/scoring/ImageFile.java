package io.xceptionspark.scoring;

/** One input file for the scorer: its bytes, or why they could not be read. */
public record ImageFile(byte[] bytes, ScoreResult.Failed readFailure) {
    public static ImageFile of(byte[] bytes) {
        return new ImageFile(bytes, null);
    }

    public static ImageFile failed(String code, String message) {
        return new ImageFile(null, new ScoreResult.Failed(code, message));
    }
}
