package io.xceptionspark.bench;

import java.util.Arrays;

/**
 * Repeated timings of one operation (seconds per call), summarised the same way for every figure that
 * is compared with another: on a shared machine a single slow stretch moves a mean but not a median,
 * and comparing one side's best call with the other side's mean would measure the noise, not the code.
 */
public final class Timings {
    private final double[] seconds;
    private final double windowSeconds;

    private Timings(double[] seconds, double windowSeconds) {
        this.seconds = seconds.clone();
        Arrays.sort(this.seconds);
        this.windowSeconds = windowSeconds;
    }

    /** Calls lasting {@code seconds} each, taken back to back over {@code windowSeconds} of wall time. */
    public static Timings of(double[] seconds, double windowSeconds) {
        if (seconds.length == 0) {
            throw new IllegalArgumentException("no timed calls");
        }
        return new Timings(seconds, windowSeconds);
    }

    public int calls() {
        return seconds.length;
    }

    /** Work per second at the median call: {@code workPerCall} divided by the median duration. */
    public double medianRate(double workPerCall) {
        int n = seconds.length;
        double median = n % 2 == 1 ? seconds[n / 2] : (seconds[n / 2 - 1] + seconds[n / 2]) / 2;
        return workPerCall / median;
    }

    /** Work per second in the fastest call. */
    public double bestRate(double workPerCall) {
        return workPerCall / seconds[0];
    }

    /** Work per second over the whole window (the mean, which noise bursts pull down). */
    public double windowRate(double workPerCall) {
        return workPerCall * seconds.length / windowSeconds;
    }
}
