package io.xceptionspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The summaries the network-to-matmul fraction is built from. */
class TimingsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleCall() {
        // one slow outlier (a noisy stretch) moves the mean, not the median
        Timings t = Timings.of(new double[] {0.2, 0.1, 1.0, 0.1, 0.2}, 1.6);
        assertEquals(5, t.calls());
        assertEquals(10.0, t.medianRate(2.0), 1e-9); // 2 images / 0.2 s
        assertEquals(20.0, t.bestRate(2.0), 1e-9);   // 2 images / 0.1 s
        assertEquals(6.25, t.windowRate(2.0), 1e-9); // 10 images / 1.6 s
    }

    @Test
    void medianOfAnEvenCountAveragesTheTwoMiddleCalls() {
        Timings t = Timings.of(new double[] {0.4, 0.1, 0.3, 0.2}, 1.0);
        assertEquals(1 / 0.25, t.medianRate(1.0), 1e-9);
    }

    @Test
    void noCallsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Timings.of(new double[0], 1.0));
    }
}
