package io.xceptionspark.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigValueFactory;
import io.xceptionspark.image.ResizePolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each key declared once in defaults.conf with its type, range and roles; one reader for every declared type. */
class KeyDeclarationsTest {
    private static Object read(String declaration, Object value) {
        return KeyType.parse(declaration).read(ConfigValueFactory.fromAnyRef(value));
    }

    private static String invalid(String declaration, Object value) {
        return assertThrows(KeyType.Invalid.class, () -> read(declaration, value)).getMessage();
    }

    @Test
    void everyKeyDeclaresATypeAndRolesThatTheDocsDoNotShow() {
        for (ConfigKey key : ConfigKeys.all()) {
            assertFalse(key.roles().isEmpty(), key.name());
            assertFalse(key.description().contains("@type") || key.description().contains("@roles"), key.name());
            // the default fits its own declaration (ConfigKeys refuses to load otherwise)
            assertEquals(key.type().render(ConfigKeys.defaultValue(key.name())).toString(),
                    key.type().render(key.type().read(ConfigKeys.defaults().getValue(ConfigKeys.path(key.name()))))
                            .toString(), key.name());
        }
        assertFalse(ConfigDocs.helpText().contains("@type"));
        assertFalse(ConfigDocs.markdownTable().contains("@roles"));
        assertEquals(Set.of("spark.conf"), ConfigKeys.MAP_KEYS, "map keys come from their declared type");
    }

    @Test
    void consumersFindTheirKeysByRole() {
        Set<String> params = names(KeyRole.PARAM);
        assertTrue(params.contains("model.pretrained-config") && params.contains("scoring.top-k"), params.toString());
        assertFalse(params.contains("scoring.preload") || params.contains("model.imagenet-fallback-random"));
        assertTrue(params.stream().allMatch(k -> k.matches("(model|preprocess|scoring)\\..*")), params.toString());
        // what every output records (its settings JSON) and what similar repeats for a query image
        Set<String> metadata = names(KeyRole.METADATA);
        assertEquals(26, metadata.size(), metadata.toString());
        Set<String> index = new TreeSet<>(metadata);
        index.remove("scoring.mode");
        assertEquals(index, names(KeyRole.INDEX));
        assertTrue(metadata.contains("preprocess.jpeg-draft"), "draft decoding changes the numbers: recorded");
        // a stream's checkpoint: the metadata keys and which files it takes, where it writes
        assertEquals(Set.of("input.paths", "input.recursive", "input.path-glob-filter", "output.path", "output.format",
                "output.partition-by"), names(KeyRole.STREAM));
        assertEquals(List.of("model.input-height", "model.input-width", "preprocess.interpolation",
                "preprocess.crop-pct", "preprocess.mean", "preprocess.std"),
                ConfigKeys.withRole(KeyRole.PRETRAINED).stream().map(ConfigKey::name).toList());
    }

    private static Set<String> names(KeyRole role) {
        return ConfigKeys.withRole(role).stream().map(ConfigKey::name).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void anAutoAbleNumberIsATypedValue() {
        assertEquals(Auto.auto(), read("int 1..256 | auto", "auto"));
        assertEquals(Auto.of(7), read("int 1..256 | auto", 7));
        assertEquals(Auto.of(7), read("int 1..256 | auto", "7"), "--set gives strings");
        assertEquals("must be auto or a whole number between 1 and 256", invalid("int 1..256 | auto", 0));
        assertEquals("auto", KeyType.parse("int 1..256 | auto").render(Auto.auto()));
        assertEquals(4, Auto.of(4).orElse(1));
        assertEquals(Auto.auto(), read("duration 0s.. | available-now", "available-now"));
        assertEquals(Auto.of(Duration.ofMinutes(1)), read("duration 0s.. | available-now", "1 minute"));
    }

    @Test
    void eachDeclaredTypeIsReadAndCheckedAgainstItsRange() {
        assertEquals(104_857_600L, read("bytes 1..2147483639", "100MiB"));
        assertEquals("must be a size between 1 and 2147483639 bytes (about 2GiB), e.g. 104857600 or 100MiB",
                invalid("bytes 1..2147483639", "3GiB"));
        assertEquals(-1L, read("long -1..", -1));
        assertEquals("must be a whole number >= -1", invalid("long -1..", -2));
        assertEquals(Duration.ofSeconds(10), read("duration 0s..1h", "10s"));
        assertEquals("must be a duration between 0s and 1h, e.g. 10s or 500ms", invalid("duration 0s..1h", "2h"));
        assertEquals("must be available-now or a duration >= 0s, e.g. 10s or 500ms",
                invalid("duration 0s.. | available-now", "-1s"));
        assertEquals(0.9, read("fraction", 0.9));
        assertEquals("must be a number in (0, 1]", invalid("fraction", 1.5));
        assertArrayEquals(new float[] {0.5f, 0.25f, 1f}, (float[]) read("rgb 0..10", "0.5, 0.25, 1"));
        assertArrayEquals(new float[] {0.5f, 0.25f, 1f}, (float[]) read("rgb 0..10", List.of(0.5, 0.25, 1)));
        assertTrue(invalid("rgb 0.000001..10", "0,1,1").contains("three numbers"));
        assertEquals("0.5,0.25,1.0", KeyType.parse("rgb 0..10").render(new float[] {0.5f, 0.25f, 1f}));
        assertEquals("archive", read("choice off, archive, delete", "ARCHIVE"));
        assertEquals("must be one of off, archive, delete", invalid("choice off, archive, delete", "move"));
        assertEquals(ResizePolicy.SQUASH, read("enum io.xceptionspark.image.ResizePolicy", "squash"));
        KeyType.Invalid e = assertThrows(KeyType.Invalid.class,
                () -> read("enum io.xceptionspark.image.ResizePolicy", "stretch"));
        assertTrue(e.fromParser() && e.getMessage().contains("crop"), e.getMessage());
        assertEquals("squash", KeyType.parse("enum io.xceptionspark.image.ResizePolicy").render(ResizePolicy.SQUASH));
        assertEquals(List.of("/a"), read("list", "/a"), "one string is a list of one");
        assertEquals("", read("timestamp", ""));
        assertTrue(invalid("timestamp", "yesterday").contains("yyyy-MM-dd"));
        assertEquals(Map.of("spark.sql.shuffle.partitions", "8"),
                read("map", Map.of("spark.sql.shuffle.partitions", 8)));
    }

    @Test
    void aJobCarriesEveryKeysResolvedValue() {
        JobConfig job = new JobConfigLoader().load();
        assertEquals(299, job.settings().get("model.input-height"), "auto resolved from the pretrained configuration");
        Map<String, Object> recorded = job.settings().of(KeyRole.METADATA);
        assertEquals("0.5,0.5,0.5", recorded.get("preprocess.mean"));
        assertEquals("10000ms", recorded.get("preprocess.decode-timeout"));
        assertEquals(104_857_600L, recorded.get("preprocess.max-file-bytes"));
        assertEquals("bicubic", recorded.get("preprocess.interpolation"));
        assertEquals("labels", recorded.get("scoring.mode"));
        assertEquals("none", job.withWeights("none").settings().get("model.weights"));
    }
}
