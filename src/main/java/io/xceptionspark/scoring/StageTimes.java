package io.xceptionspark.scoring;

/** Nanoseconds per {@link Stage} of one task (one thread; not thread-safe). */
public final class StageTimes {
    private final long[] nanos = new long[Stage.values().length];

    public void add(Stage stage, long duration) {
        nanos[stage.ordinal()] += duration;
    }

    public long nanos(Stage stage) {
        return nanos[stage.ordinal()];
    }

    /** The sum over every stage. */
    public long total() {
        long sum = 0;
        for (long n : nanos) {
            sum += n;
        }
        return sum;
    }

    /** E.g. {@code "task start 0.01 s, model load 0.00 s, read 0.02 s, ..."}: for logs. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (Stage stage : Stage.values()) {
            b.append(b.length() == 0 ? "" : ", ").append(stage.label())
                    .append(String.format(java.util.Locale.ROOT, " %.2f s", nanos(stage) / 1e9));
        }
        return b.toString();
    }
}
