package io.xceptionspark.config;

import java.util.Set;

/**
 * One configuration key as declared in the bundled defaults: its name (relative to the {@code xception-spark}
 * block), default value as written in HOCON, declared type (with its range), roles, and meaning.
 */
public record ConfigKey(String name, String defaultValue, KeyType type, Set<KeyRole> roles, String description) {
    public ConfigKey {
        roles = Set.copyOf(roles);
    }

    public boolean has(KeyRole role) {
        return roles.contains(role);
    }
}
