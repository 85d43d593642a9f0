package io.xceptionspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigRenderOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the keys of one merged configuration (inside the {@code xception-spark} block) as their declared types
 * ({@link KeyType}), collecting every problem instead of stopping at the first: a value that does not fit its
 * type is reported once, in the job's words ({@code key = value (origin): must be ...}), and read as the key's
 * default so that the section readers can go on and report the rest. The section readers ({@code read(reader)}
 * of each *Options record) add the rules that combine keys with {@link #add} / {@link #problem}.
 */
final class ConfigReader {
    private final Config c;
    private final List<String> problems = new ArrayList<>();
    /** The first problem found with each key's own value (not with how keys combine). */
    private final Map<String, String> valueProblems = new LinkedHashMap<>();
    /** The typed value of each key read so far. */
    private final Map<String, Object> values = new LinkedHashMap<>();

    /** @param c the merged configuration, inside the {@value ConfigKeys#NAMESPACE} block */
    ConfigReader(Config c) {
        this.c = c;
    }

    /** The typed value of a key (see {@link KeyType#read}); read once, reported once. */
    Object value(String key) {
        if (values.containsKey(key)) {
            return values.get(key);
        }
        ConfigKey declared = ConfigKeys.get(key);
        Object typed;
        try {
            typed = declared.type().read(c.getValue(key));
        } catch (KeyType.Invalid e) {
            keyed(key, e.fromParser() ? key + " = '" + raw(key) + "' (" + origin(key) + "): " + e.getMessage()
                    : key + " = " + shown(key) + " (" + origin(key) + "): " + e.getMessage() + ".");
            typed = ConfigKeys.defaultValue(key);
        } catch (ConfigException e) {
            keyed(key, key + ": " + e.getMessage());
            typed = ConfigKeys.defaultValue(key);
        }
        values.put(key, typed);
        return typed;
    }

    /** A value's plain form, e.g. the configName of an enum (strings, enums, choices, timestamps). */
    String string(String key) {
        return String.valueOf(ConfigKeys.get(key).type().render(value(key)));
    }

    boolean bool(String key) {
        return (Boolean) value(key);
    }

    int integer(String key) {
        return (Integer) plain(key);
    }

    /** A long, also a size in bytes. */
    long longValue(String key) {
        return ((Number) plain(key)).longValue();
    }

    Duration duration(String key) {
        return (Duration) plain(key);
    }

    double fraction(String key) {
        return (Double) plain(key);
    }

    float[] rgb(String key) {
        return (float[]) plain(key);
    }

    @SuppressWarnings("unchecked")
    List<String> strings(String key) {
        return (List<String>) value(key);
    }

    @SuppressWarnings("unchecked")
    Map<String, String> map(String key) {
        return (Map<String, String>) value(key);
    }

    /** An enum key's constant (declared {@code enum CLASS}). */
    <E extends Enum<E>> E choice(String key, Class<E> type) {
        return type.cast(plain(key));
    }

    /** A key declared with a keyword ({@code | auto}): the keyword, or its value. */
    @SuppressWarnings("unchecked")
    <T> Auto<T> auto(String key) {
        return (Auto<T>) value(key);
    }

    boolean isAuto(String key) {
        return value(key) instanceof Auto<?> a && a.isAuto();
    }

    /** The value, or for a key declared with a keyword and not set to it, the value behind it. */
    private Object plain(String key) {
        Object v = value(key);
        return v instanceof Auto<?> a && !a.isAuto() ? a.value() : v;
    }

    /** Reports a problem with one key's value: {@code key = value (origin): what.} */
    void problem(String key, String what) {
        keyed(key, key + " = " + shown(key) + " (" + origin(key) + "): " + what + ".");
    }

    /** Reports a problem with how keys combine (a full sentence naming the keys and the fix). */
    void add(String problem) {
        problems.add(problem);
    }

    /** Reports a problem with one key's value, already worded. */
    void keyed(String key, String problem) {
        problems.add(problem);
        valueProblems.putIfAbsent(key, problem);
    }

    /** Every problem reported, in order (the list itself: the loader's model rules add to it). */
    List<String> problems() {
        return problems;
    }

    Optional<String> problemWith(String key) {
        return Optional.ofNullable(valueProblems.get(key));
    }

    /** The typed value of every key (those not read yet are read now). */
    Settings settings() {
        ConfigKeys.all().forEach(k -> value(k.name()));
        return new Settings(values);
    }

    private String shown(String key) {
        try {
            return c.getValue(key).render(ConfigRenderOptions.concise());
        } catch (ConfigException e) {
            return "?";
        }
    }

    private String raw(String key) {
        try {
            return String.valueOf(c.getValue(key).unwrapped()).strip();
        } catch (ConfigException e) {
            return "?";
        }
    }

    /** Where the value came from: "default", a file and line, "command line", a Param. */
    String origin(String key) {
        try {
            String d = c.getValue(key).origin().description();
            return d.contains("defaults.conf") ? "default" : d;
        } catch (ConfigException e) {
            return "?";
        }
    }
}
