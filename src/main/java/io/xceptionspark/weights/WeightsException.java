package io.xceptionspark.weights;

/**
 * A weights problem the user can fix (missing, wrong or corrupt file; download refused or failed).
 * The message always names the file or value concerned and says what to do, so the job can print it
 * as is and exit non-zero before any output is written.
 */
public final class WeightsException extends RuntimeException {

    public WeightsException(String message) {
        super(message);
    }

    public WeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
