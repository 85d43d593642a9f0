package io.xceptionspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The key table: every key of the bundled defaults file with its default and meaning (the comment above
 * it). The one source of truth for validation (unknown keys), {@code --help} and docs/CONFIGURATION.md.
 */
public final class ConfigKeys {
    /** The block every key lives in, in files: {@code xception-spark { input { paths = [...] } }}. */
    public static final String NAMESPACE = "xception-spark";
    /** The bundled defaults (classpath resource). */
    public static final String DEFAULTS_RESOURCE = "io/xceptionspark/config/defaults.conf";
    /** Keys whose value is a free-form map passed through (their sub-keys are not checked). */
    public static final Set<String> MAP_KEYS = Set.of("spark.conf");

    private static final Config DEFAULTS = ConfigFactory.parseResources(ConfigKeys.class.getClassLoader(),
            DEFAULTS_RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    private static final Map<String, ConfigKey> KEYS = readKeys(DEFAULTS.getObject(NAMESPACE));

    private ConfigKeys() {}

    /** The bundled defaults, including the {@value #NAMESPACE} block. */
    public static Config defaults() {
        return DEFAULTS;
    }

    /** Every key, in the order of the defaults file. */
    public static List<ConfigKey> all() {
        return List.copyOf(KEYS.values());
    }

    public static ConfigKey get(String name) {
        return KEYS.get(name);
    }

    public static boolean isKey(String name) {
        return KEYS.containsKey(name);
    }

    /** The sections of the keys that decide how an image is scored (model, preprocessing, scoring). */
    private static final List<String> SCORING_SECTIONS = List.of("model.", "preprocess.", "scoring.");

    /**
     * Whether a key decides how an image is scored: the model.*, preprocess.* and scoring.* keys, which the ML
     * Transformers take as Params and the SQL functions read from the session.
     */
    public static boolean decidesScoring(String name) {
        return SCORING_SECTIONS.stream().anyMatch(name::startsWith);
    }

    /** The map key that {@code name} lies under ({@code spark.conf} for {@code spark.conf.x}), or null. */
    public static String mapKeyOf(String name) {
        for (String map : MAP_KEYS) {
            if (name.startsWith(map + ".")) {
                return map;
            }
        }
        return null;
    }

    /** The valid key closest to {@code name} (edit distance, also trying the last segment alone). */
    public static String nearest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = name.toLowerCase(Locale.ROOT);
        String last = lower.substring(lower.lastIndexOf('.') + 1);
        for (String key : KEYS.keySet()) {
            int d = distance(lower, key);
            String keyLast = key.substring(key.lastIndexOf('.') + 1);
            d = Math.min(d, distance(last, keyLast) + 1);
            if (d < bestDistance) {
                bestDistance = d;
                best = key;
            }
        }
        return best;
    }

    private static Map<String, ConfigKey> readKeys(ConfigObject root) {
        List<Map.Entry<String, ConfigValue>> leaves = new ArrayList<>();
        collect(root, "", leaves);
        leaves.sort(Comparator.comparingInt(e -> e.getValue().origin().lineNumber()));
        Map<String, ConfigKey> keys = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigValue> e : leaves) {
            ConfigValue v = e.getValue();
            String description = String.join(" ", v.origin().comments().stream().map(String::strip).toList());
            if (description.isEmpty()) {
                throw new IllegalStateException("key " + e.getKey() + " has no description in " + DEFAULTS_RESOURCE);
            }
            keys.put(e.getKey(), new ConfigKey(e.getKey(), v.render(ConfigRenderOptions.concise()), typeName(v),
                    description));
        }
        return keys;
    }

    private static void collect(ConfigObject object, String prefix, List<Map.Entry<String, ConfigValue>> out) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().valueType() == ConfigValueType.OBJECT && !MAP_KEYS.contains(name)) {
                collect((ConfigObject) e.getValue(), name, out);
            } else {
                out.add(Map.entry(name, e.getValue()));
            }
        }
    }

    private static String typeName(ConfigValue v) {
        return switch (v.valueType()) {
            case LIST -> "list";
            case OBJECT -> "map";
            case BOOLEAN -> "boolean";
            case NUMBER -> "number";
            default -> "string";
        };
    }

    /** Path expression for a key name in Typesafe syntax, with the namespace: quoting segments as needed. */
    static String path(String key) {
        String map = mapKeyOf(key);
        if (map != null) {
            List<String> segments = new ArrayList<>(ConfigUtil.splitPath(NAMESPACE + "." + map));
            segments.add(key.substring(map.length() + 1));
            return ConfigUtil.joinPath(segments);
        }
        return NAMESPACE + "." + key;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
