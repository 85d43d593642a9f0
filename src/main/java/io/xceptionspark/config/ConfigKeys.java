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
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The key table: every key of the bundled defaults file with its default, meaning (the comment above it), and
 * declared type and roles (that comment's {@code # @type ...; @roles ...} line). The one source of truth for
 * validation (unknown keys, typed values: {@link KeyType}), {@code --help}, docs/CONFIGURATION.md, and every
 * consumer that selects keys by {@link KeyRole} (Transformer Params, SQL settings, output metadata, index).
 */
public final class ConfigKeys {
    /** The block every key lives in, in files: {@code xception-spark { input { paths = [...] } }}. */
    public static final String NAMESPACE = "xception-spark";
    /** The bundled defaults (classpath resource). */
    public static final String DEFAULTS_RESOURCE = "io/xceptionspark/config/defaults.conf";
    /** The comment line declaring a key's type and roles: {@code # @type int 1..256 | auto; @roles runtime, param}. */
    private static final Pattern DECLARATION = Pattern.compile("@type\\s+([^;]+?)\\s*;\\s*@roles\\s+(.+)");

    private static final Config DEFAULTS = ConfigFactory.parseResources(ConfigKeys.class.getClassLoader(),
            DEFAULTS_RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
    private static final Map<String, ConfigKey> KEYS = readKeys(DEFAULTS.getObject(NAMESPACE));
    /** Keys whose value is a free-form map passed through (their sub-keys are not checked): spark.conf. */
    public static final Set<String> MAP_KEYS = KEYS.values().stream().filter(k -> k.type().kind() == KeyType.Kind.MAP)
            .map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());

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

    /** Whether a name lies in a section of the key table (input, model, ..., spark), known key or not. */
    public static boolean inSection(String name) {
        int dot = name.indexOf('.');
        return dot > 0 && KEYS.keySet().stream().anyMatch(k -> k.startsWith(name.substring(0, dot + 1)));
    }

    /** The keys with this role, in the order of the defaults file. */
    public static List<ConfigKey> withRole(KeyRole role) {
        return KEYS.values().stream().filter(k -> k.has(role)).toList();
    }

    /** The typed value of a key's bundled default (see {@link KeyType#read}). */
    public static Object defaultValue(String name) {
        return KEYS.get(name).type().read(DEFAULTS.getValue(path(name)));
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
            String description = String.join(" ", v.origin().comments().stream().map(String::strip)
                    .filter(l -> !l.startsWith("@")).toList());
            Matcher declaration = declaration(v).orElseThrow(() -> new IllegalStateException("key " + e.getKey()
                    + " has no '# @type ...; @roles ...' line in " + DEFAULTS_RESOURCE));
            if (description.isEmpty()) {
                throw new IllegalStateException("key " + e.getKey() + " has no description in " + DEFAULTS_RESOURCE);
            }
            KeyType type = KeyType.parse(declaration.group(1));
            Set<KeyRole> roles = Arrays.stream(declaration.group(2).split(",")).map(KeyRole::parse)
                    .collect(Collectors.toCollection(() -> EnumSet.noneOf(KeyRole.class)));
            try {
                type.read(v);
            } catch (KeyType.Invalid x) {
                throw new IllegalStateException("the default of " + e.getKey() + " " + x.getMessage(), x);
            }
            keys.put(e.getKey(), new ConfigKey(e.getKey(), v.render(ConfigRenderOptions.concise()), type, roles,
                    description));
        }
        return keys;
    }

    /** The {@code @type ...; @roles ...} line among a value's comments, matched. */
    private static Optional<Matcher> declaration(ConfigValue v) {
        return v.origin().comments().stream().map(l -> DECLARATION.matcher(l.strip())).filter(Matcher::matches)
                .findFirst();
    }

    /** Whether a value is declared a map (its entries are not keys of their own). */
    private static boolean declaredMap(ConfigValue v) {
        return declaration(v).map(m -> KeyType.parse(m.group(1)).kind() == KeyType.Kind.MAP).orElse(false);
    }

    private static void collect(ConfigObject object, String prefix, List<Map.Entry<String, ConfigValue>> out) {
        for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
            String name = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().valueType() == ConfigValueType.OBJECT && !declaredMap(e.getValue())) {
                collect((ConfigObject) e.getValue(), name, out);
            } else {
                out.add(Map.entry(name, e.getValue()));
            }
        }
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
