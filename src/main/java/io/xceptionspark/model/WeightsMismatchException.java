package io.xceptionspark.model;

/** A weights file or model that does not fit the configured network; the message names file and layer. */
public final class WeightsMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public WeightsMismatchException(String message) {
        super(message);
    }
}
