package io.xceptionspark.scoring;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The ImageNet-1k class index shipped in the jar (Keras' {@code imagenet_class_index.json}): class
 * index -> WordNet id and display label. Labels are not unique ("crane" is 134 and 517, "maillot" 638 and
 * 639), so results always carry the index and the WordNet id; never key on the label.
 */
public final class ImagenetLabels {
    public static final String RESOURCE = "/io/xceptionspark/imagenet_class_index.json";
    public static final int SIZE = 1000;

    private final String[] wnids;
    private final String[] labels;

    private ImagenetLabels(String[] wnids, String[] labels) {
        this.wnids = wnids;
        this.labels = labels;
    }

    /** The shared, immutable instance (read from the jar once per JVM). */
    public static ImagenetLabels get() {
        return Holder.INSTANCE;
    }

    public String wnid(int classIndex) {
        return wnids[classIndex];
    }

    public String label(int classIndex) {
        return labels[classIndex];
    }

    public int size() {
        return wnids.length;
    }

    private static final class Holder {
        static final ImagenetLabels INSTANCE = load();
    }

    static ImagenetLabels load() {
        try (InputStream in = ImagenetLabels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + RESOURCE + ": rebuild it with mvn package");
            }
            JsonObject root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            String[] wnids = new String[SIZE];
            String[] labels = new String[SIZE];
            for (Map.Entry<String, JsonElement> e : root.entrySet()) {
                int index = Integer.parseInt(e.getKey());
                JsonArray pair = e.getValue().getAsJsonArray();
                wnids[index] = pair.get(0).getAsString();
                labels[index] = pair.get(1).getAsString();
            }
            for (int i = 0; i < SIZE; i++) {
                if (wnids[i] == null) {
                    throw new IllegalStateException(RESOURCE + " lacks class " + i);
                }
            }
            return new ImagenetLabels(wnids, labels);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
