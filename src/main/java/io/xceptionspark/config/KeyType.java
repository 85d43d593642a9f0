package io.xceptionspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.lang.reflect.InvocationTargetException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The declared type of a key ({@code # @type ...} in defaults.conf) and the one reader of its values: a kind, an
 * optional range or list of choices, and an optional keyword standing for "decided elsewhere". Examples:
 * {@code int 1..256 | auto}, {@code bytes 1..2147483639}, {@code duration 0s..1h}, {@code long -1..},
 * {@code choice off, archive, delete}, {@code rgb 0..1000000 | auto}.
 *
 * <p>{@link #read} turns a HOCON value (from a file, {@code --set}, an ML Param or the SQL conf) into the typed
 * value: String, {@code List<String>}, Boolean, Integer, Long (also for bytes), Duration, Double (fraction),
 * float[3] (rgb), {@code Map<String, String>} (map), or an {@link Auto} of one of them. {@link #render} is the
 * inverse used wherever a typed value is written out (output metadata, SQL conf, ML Params).
 *
 * @param min inclusive lower bound as declared (a number, or a duration such as 0s), or null
 * @param max inclusive upper bound as declared, or null
 * @param choices the allowed values of a {@code choice}; empty otherwise
 * @param keyword the word that stands for "decided elsewhere" (auto, available-now), or null
 * @param javaEnum for an {@code enum}: the enum whose static {@code parse(String)} reads the value; else null
 */
public record KeyType(Kind kind, String min, String max, List<String> choices, String keyword, Class<?> javaEnum) {
    /** What a key holds. */
    public enum Kind {
        STRING, LIST, BOOL, INT, LONG, BYTES, DURATION, FRACTION, RGB, TIMESTAMP,
        /** A name read by a Java enum's static parse(String) (e.g. ScoringMode), declared {@code enum CLASS}. */
        ENUM,
        /** One of the declared choices. */
        CHOICE,
        /** A free-form map of single values passed through (spark.conf). */
        MAP
    }

    /**
     * A value that does not fit the type: {@link #getMessage()} says what it must be ("must be ..."), or for an
     * enum is its parser's own message ({@link #fromParser}).
     */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final boolean fromParser;

        Invalid(String mustBe) {
            this(mustBe, false);
        }

        private Invalid(String message, boolean fromParser) {
            super(message);
            this.fromParser = fromParser;
        }

        /** Whether the message is an enum parser's (e.g. "valid values: crop, squash"), not "must be ...". */
        public boolean fromParser() {
            return fromParser;
        }
    }

    public KeyType {
        choices = List.copyOf(choices);
    }

    /** Parses a declaration such as {@code int 1..256 | auto}. */
    static KeyType parse(String declaration) {
        String[] alternatives = declaration.strip().split("\\s*\\|\\s*");
        if (alternatives.length > 2) {
            throw new IllegalArgumentException("at most one keyword: " + declaration);
        }
        String main = alternatives[0];
        int space = main.indexOf(' ');
        Kind kind = Kind.valueOf((space < 0 ? main : main.substring(0, space)).toUpperCase(Locale.ROOT));
        String rest = space < 0 ? "" : main.substring(space + 1).strip();
        String keyword = alternatives.length == 2 ? alternatives[1] : null;
        if (kind == Kind.CHOICE) {
            return new KeyType(kind, null, null, Arrays.stream(rest.split(",")).map(String::strip).toList(), keyword,
                    null);
        }
        if (kind == Kind.ENUM) {
            try {
                return new KeyType(kind, null, null, List.of(), keyword, Class.forName(rest));
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("no enum " + rest + ": " + declaration, e);
            }
        }
        if (rest.isEmpty()) {
            return new KeyType(kind, null, null, List.of(), keyword, null);
        }
        int dots = rest.indexOf("..");
        if (dots < 0) {
            throw new IllegalArgumentException("a range is written min..max: " + declaration);
        }
        String lo = rest.substring(0, dots).strip();
        String hi = rest.substring(dots + 2).strip();
        return new KeyType(kind, lo.isEmpty() ? null : lo, hi.isEmpty() ? null : hi, List.of(), keyword, null);
    }

    /** The typed value of {@code v}; throws {@link Invalid} saying what the value must be. */
    public Object read(ConfigValue v) {
        if (keyword != null) {
            if (v.valueType() == ConfigValueType.STRING && keyword.equalsIgnoreCase(text(v))) {
                return Auto.auto();
            }
            try {
                return Auto.of(readPlain(v));
            } catch (Invalid e) {
                throw e.fromParser() ? new Invalid(e.getMessage() + ", or " + keyword, true)
                        : new Invalid("must be " + keyword + " or " + e.getMessage().substring("must be ".length()));
            }
        }
        return readPlain(v);
    }

    private Object readPlain(ConfigValue v) {
        Config c = ConfigFactory.empty().withValue("v", v);
        try {
            return switch (kind) {
                case STRING -> single(v, false);
                case ENUM -> javaEnum(single(v, false));
                case LIST -> list(v, c);
                case BOOL -> c.getBoolean("v");
                case INT -> (int) inRange(c.getLong("v"));
                case LONG -> inRange(c.getLong("v"));
                case BYTES -> inRange(c.getBytes("v"));
                case DURATION -> inRange(c.getDuration("v"));
                case FRACTION -> fraction(c.getDouble("v"));
                case RGB -> rgb(v, c);
                case TIMESTAMP -> timestamp(single(v, false));
                case CHOICE -> choice(single(v, true));
                case MAP -> map(v);
            };
        } catch (ConfigException | NumberFormatException e) {
            throw new Invalid("must be " + expectation());
        }
    }

    /** What a value other than the keyword must be, e.g. "a whole number between 1 and 256". */
    private String expectation() {
        return switch (kind) {
            case STRING -> "a single value";
            case ENUM -> "a " + javaEnum.getSimpleName();
            case LIST -> "a list of strings, e.g. [\"/data/images\"]";
            case BOOL -> "true or false";
            case INT, LONG -> "a whole number" + range("");
            case BYTES -> "a size" + range(" bytes") + (max != null && Long.parseLong(max) >= 1L << 30
                    ? " (about " + Math.round(Long.parseLong(max) / (double) (1L << 30)) + "GiB)" : "")
                    + ", e.g. 104857600 or 100MiB";
            case DURATION -> "a duration" + range("") + ", e.g. 10s or 500ms";
            case FRACTION -> "a number in (0, 1]";
            case RGB -> "a list of three numbers [R, G, B]" + (min == null ? "" : ", each" + range(""));
            case TIMESTAMP -> "empty or a time yyyy-MM-ddTHH:mm:ss, e.g. 2024-05-01T00:00:00";
            case CHOICE -> "one of " + String.join(", ", choices);
            case MAP -> "a map of single values, e.g. { \"spark.sql.shuffle.partitions\" = 8 }";
        };
    }

    private String range(String unit) {
        if (min == null && max == null) {
            return "";
        }
        if (max == null) {
            return " >= " + min + unit;
        }
        return min == null ? " <= " + max + unit : " between " + min + " and " + max + unit;
    }

    /** The plain form of a typed value, as a HOCON file, the SQL conf or an ML Param would hold it. */
    public Object render(Object typed) {
        if (typed instanceof Auto<?> a) {
            return a.isAuto() ? keyword : render(a.value());
        }
        if (typed instanceof Duration d) {
            return d.toMillis() + "ms";
        }
        if (typed instanceof float[] rgb) {
            return rgb[0] + "," + rgb[1] + "," + rgb[2];
        }
        if (typed instanceof Enum<?> e) {
            try {
                return String.valueOf(e.getClass().getMethod("configName").invoke(e));
            } catch (ReflectiveOperationException noConfigName) {
                return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
            }
        }
        return typed;
    }

    /** The enum constant its parse(String) gives; its message (e.g. "valid values: ...") when it rejects v. */
    private Object javaEnum(String v) {
        try {
            return javaEnum.getMethod("parse", String.class).invoke(null, v);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw new Invalid(bad.getMessage(), true);
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(javaEnum + " has no static parse(String)", e);
        }
    }

    private static String text(ConfigValue v) {
        return String.valueOf(v.unwrapped()).strip();
    }

    private static String single(ConfigValue v, boolean lowerCase) {
        if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
            throw new Invalid("must be a single value, not a " + v.valueType().name().toLowerCase(Locale.ROOT));
        }
        String s = v.valueType() == ConfigValueType.NULL ? "" : text(v);
        return lowerCase ? s.toLowerCase(Locale.ROOT) : s;
    }

    /** A list, or one string (a single path); blanks dropped. */
    private static List<String> list(ConfigValue v, Config c) {
        if (v.valueType() == ConfigValueType.STRING) {
            String s = text(v);
            return s.isEmpty() ? List.of() : List.of(s);
        }
        return c.getStringList("v").stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private long inRange(long v) {
        if ((min != null && v < Long.parseLong(min)) || (max != null && v > Long.parseLong(max))) {
            throw new Invalid("must be " + expectation());
        }
        return v;
    }

    private Duration inRange(Duration v) {
        if ((min != null && v.compareTo(duration(min)) < 0) || (max != null && v.compareTo(duration(max)) > 0)) {
            throw new Invalid("must be " + expectation());
        }
        return v;
    }

    private static Duration duration(String declared) {
        return ConfigFactory.parseString("d = " + declared).getDuration("d");
    }

    private double fraction(double v) {
        if (!(v > 0 && v <= 1)) {
            throw new Invalid("must be " + expectation());
        }
        return v;
    }

    /** A list in files, "R,G,B" from --set or a Param. */
    private float[] rgb(ConfigValue v, Config c) {
        List<Double> values = v.valueType() == ConfigValueType.STRING
                ? Arrays.stream(text(v).split(",")).map(String::strip).map(Double::valueOf).toList()
                : c.getDoubleList("v");
        double lo = min == null ? Double.NEGATIVE_INFINITY : Double.parseDouble(min);
        double hi = max == null ? Double.POSITIVE_INFINITY : Double.parseDouble(max);
        if (values.size() != 3 || !values.stream().allMatch(x -> x >= lo && x <= hi)) {
            throw new Invalid("must be " + expectation());
        }
        return new float[] {values.get(0).floatValue(), values.get(1).floatValue(), values.get(2).floatValue()};
    }

    private String timestamp(String v) {
        if (!v.isEmpty()) {
            try {
                LocalDateTime.parse(v);
            } catch (DateTimeParseException e) {
                throw new Invalid("must be " + expectation());
            }
        }
        return v;
    }

    private String choice(String v) {
        if (!choices.contains(v)) {
            throw new Invalid("must be " + expectation());
        }
        return v;
    }

    /** The map's entries by their dotted name (spark.conf's Spark settings), each a single value. */
    private Map<String, String> map(ConfigValue v) {
        if (v.valueType() != ConfigValueType.OBJECT) {
            throw new Invalid("must be " + expectation());
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : ((ConfigObject) v).toConfig().entrySet()) {
            String name = String.join(".", ConfigUtil.splitPath(e.getKey()));
            Object value = e.getValue().unwrapped();
            if (value instanceof List<?> || value instanceof Map<?, ?>) {
                throw new Invalid("must be " + expectation() + " (" + name + " is not a single value)");
            }
            if (value != null) {
                entries.put(name, String.valueOf(value));
            }
        }
        return entries;
    }
}
