package io.xceptionspark.config;

/**
 * A configuration or usage error the user can fix (unknown key, bad value, missing input, existing
 * output...): the message says what is wrong and how to fix it. The command line exits with code 2.
 */
public final class JobConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JobConfigException(String message) {
        super(message);
    }

    public JobConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
