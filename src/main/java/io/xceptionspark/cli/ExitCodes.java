package io.xceptionspark.cli;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.inference.ModelLoadException;
import io.xceptionspark.model.WeightsMismatchException;
import io.xceptionspark.weights.WeightsException;

/** The launcher's exit codes (documented in the README). */
public final class ExitCodes {
    /** The run finished (images that could not be scored are rows with an error code, not a failure). */
    public static final int OK = 0;
    /** An unexpected failure (a bug, or the cluster failing): the message and stack trace say more. */
    public static final int UNEXPECTED = 1;
    /** A configuration or usage error: unknown key, bad value, missing input, existing or unwritable output. */
    public static final int CONFIG = 2;
    /** The model or its weights cannot be loaded: missing, damaged or mismatching file. */
    public static final int MODEL = 3;

    private ExitCodes() {}

    /** The exit code for an exception that ended a command. */
    public static int of(Throwable e) {
        if (e instanceof JobConfigException) {
            return CONFIG;
        }
        if (e instanceof ModelLoadException || e instanceof WeightsException || e instanceof WeightsMismatchException) {
            return MODEL;
        }
        return UNEXPECTED;
    }
}
