package io.xceptionspark.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * The value of a key that also takes a keyword standing for "decided elsewhere" (declared {@code | auto} in
 * defaults.conf): {@code model.input-height = auto} takes the weights' pretrained configuration,
 * {@code scoring.intra-op-threads = auto} spark.task.cpus, {@code input.stream.trigger = available-now} no
 * interval. A typed value either way, never a string to parse again.
 *
 * @param value the value, or null for the keyword
 */
public record Auto<T>(T value) implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Auto<?> AUTO = new Auto<>(null);

    @SuppressWarnings("unchecked")
    public static <T> Auto<T> auto() {
        return (Auto<T>) AUTO;
    }

    public static <T> Auto<T> of(T value) {
        return new Auto<>(Objects.requireNonNull(value, "value"));
    }

    public boolean isAuto() {
        return value == null;
    }

    /** The value, or {@code ifAuto} for the keyword. */
    public T orElse(T ifAuto) {
        return value == null ? ifAuto : value;
    }
}
