package io.xceptionspark.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.xceptionspark.model.AlignedXception;
import io.xceptionspark.model.HashWeights;
import io.xceptionspark.weights.KerasLayer;
import io.xceptionspark.weights.KerasTensor;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The hash fixtures (src/test/data/fixtures/hash) as the files users give the scorer: Keras' xception as a full-size
 * .h5 weights file in the official save_weights layout (all 134 layer names, contiguous uncompressed datasets), and
 * timm's xception41/65/71 as a hub checkpoint directory (model.safetensors with timm's keys and num_batches_tracked
 * counters, and the fixture's config.json). Written once per test JVM, when first asked for, into a folder under
 * target/ that is deleted when the JVM ends; plus the golden outputs, the five 299x299 inputs and the tolerance.
 */
public final class HashFixtures {
    /** max |diff| <= 1e-4 * max |reference| for logits and embeddings (measured: 1.7e-6 to 1.6e-5). */
    public static final double RELATIVE_TOLERANCE = 1e-4;
    /** Below this gap between ranks 1-6 (golden's top6_gap_min) the top-5 order is not decidable in float32. */
    private static final double DECIDABLE_GAP = 1e-3;
    private static final String DIR = "fixtures/hash/";
    private static final Map<String, Path> WRITTEN = new HashMap<>();
    private static Path root;

    private HashFixtures() {}

    /** Writes Keras' xception with the hash weights (include_top) to {@code args[0]}: scripts/bench.sh's weights. */
    public static void main(String[] args) {
        writeKerasH5(Path.of(args[0]), HashWeights.keras(true), true);
    }

    /** Keras' xception weights: include_top (134 layers listed, 81 with weights) or notop (132, 80). */
    public static synchronized Path kerasH5(boolean includeTop) {
        String name = includeTop ? "xception_hash.h5" : "xception_hash_notop.h5";
        return WRITTEN.computeIfAbsent(name, n -> {
            Path file = root().resolve(n);
            writeKerasH5(file, HashWeights.keras(includeTop), includeTop);
            return file;
        });
    }

    /** A timm checkpoint directory of {@code arch} (xception41, xception65, xception71). */
    public static synchronized Path timmCheckpoint(String arch) {
        return WRITTEN.computeIfAbsent(arch, a -> {
            Path dir = root().resolve(a);
            try {
                Files.createDirectories(dir);
                writeSafetensors(dir.resolve("model.safetensors"), HashWeights.timm(AlignedXception.byId(a)));
                Files.copy(TestData.path(DIR + a + "/config.json"), dir.resolve("config.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return dir;
        });
    }

    /** {@code model.safetensors} of {@link #timmCheckpoint}. */
    public static Path timmWeights(String arch) {
        return timmCheckpoint(arch).resolve("model.safetensors");
    }

    /** The reference's outputs per image file name, for {@code model} = keras, xception41, xception65, xception71. */
    public static JsonNode golden(String model) {
        return TestData.json(DIR + model + "/golden.json");
    }

    /** The five 299x299 inputs of the golden outputs (keras-formula/images299), sorted by name. */
    public static List<Path> images() {
        try (Stream<Path> files = Files.list(TestData.path(Golden.IMAGES))) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #images()} as one NCHW batch, x / 127.5 - 1 (Keras' and timm's tf_in1k preprocessing, no resizing). */
    public static float[] batch() {
        List<Path> images = images();
        int per = 3 * 299 * 299;
        float[] batch = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(TestData.kerasInput(images.get(i)), 0, batch, i * per, per);
        }
        return batch;
    }

    /**
     * Asserts image {@code i}'s outputs match {@code model}'s golden entry: logits (unless null) and embedding within
     * {@link #RELATIVE_TOLERANCE}, and the same top-5 classes where their order is decidable. Prints the errors.
     */
    public static void assertMatchesGolden(String model, int i, float[] logits, float[] embedding) {
        String image = images().get(i).getFileName().toString();
        JsonNode ref = golden(model).get(image);
        String what = model + " " + image;
        assertClose(TestData.floats(ref.get("embedding")), embedding, what + " embedding");
        if (logits != null) {
            assertClose(TestData.floats(ref.get("logits")), logits, what + " logits");
            if (ref.get("top6_gap_min").asDouble() > DECIDABLE_GAP) {
                assertArrayEquals(TestData.ints(ref.get("top5")), TestData.topK(logits, 5), what + " top-5");
            }
        }
    }

    private static void assertClose(float[] reference, float[] ours, String what) {
        assertEquals(reference.length, ours.length, what + " length");
        double err = TestData.maxAbsDiff(reference, ours);
        double scale = TestData.maxAbs(reference);
        System.out.printf("%s: max|diff| %.3g, max|ref| %.3g, relative %.3g%n", what, err, scale, err / scale);
        assertTrue(err <= RELATIVE_TOLERANCE * scale, what + ": max |diff| " + err + " > " + RELATIVE_TOLERANCE
                + " * max |ref| " + scale);
    }

    private static Path root() {
        if (root == null) {
            try {
                Path target = Files.createDirectories(Path.of("target"));
                root = Files.createTempDirectory(target.toAbsolutePath(), "hash-fixtures-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path dir = root;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
        }
        return root;
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // target/ is the build's scratch space: mvn clean removes what is left
        }
    }

    /**
     * Keras' save_weights layout: root attributes layer_names (every layer, in Keras' order), backend and
     * keras_version; one group per layer, with weight_names on the weighted ones, each dataset at
     * {@code <layer>/<weight name>}, contiguous and uncompressed as in the official files. (A weightless layer's
     * group has no weight_names here: jhdf cannot write the empty array Keras writes; KerasWeightsFileLayoutsTest
     * reads that form.)
     */
    private static void writeKerasH5(Path file, List<KerasLayer> layers, boolean includeTop) {
        List<String> names;
        try {
            names = Files.readAllLines(TestData.path(Golden.KERAS_LAYERS)).stream().map(String::strip)
                    .filter(n -> !n.isEmpty())
                    .filter(n -> includeTop || !(n.equals("avg_pool") || n.equals("predictions"))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, KerasLayer> weighted = new HashMap<>();
        layers.forEach(l -> weighted.put(l.name(), l));
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            h5.putAttribute("layer_names", names.toArray(String[]::new));
            h5.putAttribute("backend", "tensorflow");
            h5.putAttribute("keras_version", "2.1.3");
            for (String name : names) {
                WritableGroup group = h5.putGroup(name);
                KerasLayer layer = weighted.remove(name);
                if (layer == null) {
                    continue;
                }
                group.putAttribute("weight_names", layer.weights().stream().map(KerasTensor::name)
                        .toArray(String[]::new));
                WritableGroup inner = group.putGroup(name);
                for (KerasTensor t : layer.weights()) {
                    inner.putDataset(t.name().substring(name.length() + 1), nested(t.data(), t.shape()));
                }
            }
        }
        if (!weighted.isEmpty()) {
            throw new IllegalStateException("layers missing from " + Golden.KERAS_LAYERS + ": " + weighted.keySet());
        }
    }

    /** A flat C-order array as the nested Java array of {@code shape} that jhdf writes. */
    private static Object nested(float[] flat, int[] shape) {
        Object array = Array.newInstance(float.class, shape);
        fill(array, flat, 0, shape, 0);
        return array;
    }

    private static int fill(Object array, float[] flat, int offset, int[] shape, int dim) {
        if (dim == shape.length - 1) {
            System.arraycopy(flat, offset, array, 0, shape[dim]);
            return offset + shape[dim];
        }
        for (int i = 0; i < shape[dim]; i++) {
            offset = fill(Array.get(array, i), flat, offset, shape, dim + 1);
        }
        return offset;
    }

    /**
     * The safetensors layout (an 8-byte little-endian header length, a JSON header padded with spaces to a multiple
     * of 8, then the data in header order) with every float32 tensor and, as in timm's state_dict, an int64
     * {@code num_batches_tracked} counter per BatchNorm.
     */
    private static void writeSafetensors(Path file, List<HashWeights.StateEntry> entries) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode header = json.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        List<String> counters = new ArrayList<>();
        for (HashWeights.StateEntry e : entries) {
            if (e.key().endsWith(".running_var")) {
                counters.add(e.key().substring(0, e.key().length() - "running_var".length()) + "num_batches_tracked");
            }
        }
        long offset = 0;
        for (String counter : counters) {
            ObjectNode n = header.putObject(counter);
            n.put("dtype", "I64");
            n.putArray("shape");
            n.putArray("data_offsets").add(offset).add(offset + 8);
            offset += 8;
        }
        for (HashWeights.StateEntry e : entries) {
            long bytes = 4L * Arrays.stream(e.shape()).reduce(1, Math::multiplyExact);
            ObjectNode n = header.putObject(e.key());
            n.put("dtype", "F32");
            Arrays.stream(e.shape()).forEach(n.putArray("shape")::add);
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] text = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(text);
            out.write(" ".repeat(padded - text.length).getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < counters.size(); i++) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1).array());
            }
            for (HashWeights.StateEntry e : entries) {
                float[] values = e.values().get();
                ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(values);
                out.write(data.array());
            }
        }
    }
}
