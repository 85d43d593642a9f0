package io.xceptionspark.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every key's typed value in a validated job, after resolution (keys left at auto hold what they resolved to,
 * local weights paths are absolute). Consumers take the keys of their role ({@link #of(KeyRole)}) rather than
 * listing them: the output metadata records {@link KeyRole#METADATA}, the SQL session {@link KeyRole#SQL}.
 */
public final class Settings {
    private final Map<String, Object> values;

    Settings(Map<String, Object> values) {
        this.values = Map.copyOf(values);
    }

    /** The typed value of a key (see {@link KeyType#read}). */
    public Object get(String key) {
        if (!values.containsKey(key)) {
            throw new IllegalArgumentException("not a configuration key: " + key);
        }
        return values.get(key);
    }

    /** These settings with one key's resolved typed value. */
    Settings with(String key, Object typed) {
        Map<String, Object> copy = new LinkedHashMap<>(values);
        copy.put(key, typed);
        return new Settings(copy);
    }

    /**
     * The keys of a role and their plain values ({@link KeyType#render}: strings, numbers, booleans, lists), in the
     * order of the defaults file: what the output metadata's JSON, the SQL conf and the ML Params hold.
     */
    public Map<String, Object> of(KeyRole role) {
        Map<String, Object> plain = new LinkedHashMap<>();
        for (ConfigKey key : ConfigKeys.withRole(role)) {
            plain.put(key.name(), key.type().render(values.get(key.name())));
        }
        return plain;
    }
}
