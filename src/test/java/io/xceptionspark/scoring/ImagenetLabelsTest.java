package io.xceptionspark.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.xceptionspark.testing.Shared;
import java.io.InputStream;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/** The class index ships inside the jar, byte-identical to Keras' file. */
class ImagenetLabelsTest {
    @Test
    void resourceIsTheKerasClassIndex() throws Exception {
        try (InputStream in = ImagenetLabels.class.getResourceAsStream(ImagenetLabels.RESOURCE)) {
            assertArrayEquals(Files.readAllBytes(Shared.path("data/imagenet_class_index.json")), in.readAllBytes());
        }
        ImagenetLabels labels = ImagenetLabels.get();
        assertEquals(1000, labels.size());
        assertEquals("n01440764", labels.wnid(0));
        assertEquals("tench", labels.label(0));
        assertEquals("toilet_tissue", labels.label(999));
    }

    @Test
    void duplicateNamesKeepDistinctWordnetIds() {
        ImagenetLabels labels = ImagenetLabels.get();
        assertEquals("crane", labels.label(134));
        assertEquals("crane", labels.label(517));
        assertNotEquals(labels.wnid(134), labels.wnid(517));
        assertEquals(labels.label(638), labels.label(639));
        assertNotEquals(labels.wnid(638), labels.wnid(639));
    }
}
