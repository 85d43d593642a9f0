package io.xceptionspark.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Per-channel (v / 255 - mean) / std; mean = std = 0.5 is exactly Keras' float32 v / 127.5 - 1. */
class NormalizationTest {
    @Test
    void inceptionIsKerasFormulaBitForBit() {
        float[][] t = Normalization.INCEPTION.tables();
        for (int v = 0; v < 256; v++) {
            assertEquals((float) v / 127.5f - 1f, t[0][v]);
            assertEquals(t[0][v], t[2][v]);
        }
    }

    @Test
    void imagenetMeanAndStdPerChannel() {
        Normalization n = new Normalization(new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
        float[][] t = n.tables();
        assertEquals((255 / 255.0 - 0.485f) / 0.229f, t[0][255], 1e-6);
        assertEquals((0 - 0.456f) / 0.224f, t[1][0], 1e-6);
        assertEquals((128 / 255.0 - 0.406f) / 0.225f, t[2][128], 1e-6);
    }

    @Test
    void stdMustBePositive() {
        assertThrows(IllegalArgumentException.class,
                () -> new Normalization(new float[] {0, 0, 0}, new float[] {1, 0, 1}));
    }
}
