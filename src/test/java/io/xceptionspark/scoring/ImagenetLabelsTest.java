package io.xceptionspark.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The class index ships inside the jar, byte-identical to Keras' file: the MD5 is the one Keras itself verifies
 * after downloading {@code imagenet_class_index.json} (decode_predictions in keras/applications/imagenet_utils.py).
 */
class ImagenetLabelsTest {
    @Test
    void resourceIsTheKerasClassIndex() throws Exception {
        try (InputStream in = ImagenetLabels.class.getResourceAsStream(ImagenetLabels.RESOURCE)) {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(in.readAllBytes());
            assertEquals("c2c37ea517e94d9795004a39431a14cb", HexFormat.of().formatHex(md5));
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
