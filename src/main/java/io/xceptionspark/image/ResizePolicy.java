package io.xceptionspark.image;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a decoded image is brought to the network's input size. */
public enum ResizePolicy {
    /**
     * The standard evaluation transform (timm/PIL): scale so the shorter side becomes
     * {@code floor(size / cropPct)}, then take the centre {@code size x size}.
     */
    CROP,
    /** Both sides straight to the target, ignoring aspect ratio (Keras {@code load_img(target_size=...)}). */
    SQUASH;

    /** Parses a config value such as {@code "crop"} (case-insensitive). */
    public static ResizePolicy parse(String value) {
        return EnumValues.parse(ResizePolicy.class, values(), value, "resize policy");
    }

    /** The config spelling of this value. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Shared parsing for the small config enums of this package. */
    static final class EnumValues {
        private EnumValues() {
        }

        static <E extends Enum<E>> E parse(Class<E> type, E[] values, String value, String what) {
            if (value != null) {
                String wanted = value.trim();
                for (E e : values) {
                    if (e.name().equalsIgnoreCase(wanted)) {
                        return e;
                    }
                }
            }
            String valid = Arrays.stream(values).map(e -> e.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            throw new IllegalArgumentException(
                    "Unknown " + what + " '" + value + "'; valid values: " + valid);
        }
    }
}
