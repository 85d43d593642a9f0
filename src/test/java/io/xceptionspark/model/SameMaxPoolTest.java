package io.xceptionspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The implicit-padding 'same' max-pool equals TF's definition: explicit -inf padding, then a valid pool. */
class SameMaxPoolTest {

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"74,74", "37,37", "19,20", "20,19", "8,9", "5,5", "147,148"})
    void equalsExplicitTfSamePadding(int h, int w) {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray x = manager.randomNormal(new Shape(2, 3, h, w));
            int[] rows = tfSamePad(h);
            int[] cols = tfSamePad(w);
            NDArray padded = x.pad(new Shape(cols[0], cols[1], rows[0], rows[1]), Double.NEGATIVE_INFINITY);
            NDArray reference = Pool.maxPool2d(padded, new Shape(3, 3), new Shape(2, 2), new Shape(0, 0), false);
            NDArray ours = SameMaxPool.apply(x);
            assertEquals(new Shape(2, 3, (h + 1) / 2, (w + 1) / 2), ours.getShape());
            assertArrayEquals(reference.toFloatArray(), ours.toFloatArray(), 0f);
            // the layout the folded network runs in
            NDArray oursChannelsLast = SameMaxPool.apply(ChannelsLast.of(x));
            assertArrayEquals(reference.toFloatArray(), oursChannelsLast.toFloatArray(), 0f);
        }
    }

    /** TF: total = max((ceil(n/2) - 1) * 2 + 3 - n, 0); the smaller half goes first (top/left). */
    private static int[] tfSamePad(int n) {
        int out = (n + 1) / 2;
        int total = Math.max((out - 1) * 2 + 3 - n, 0);
        return new int[] {total / 2, total - total / 2};
    }
}
