package io.xceptionspark.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.xceptionspark.config.Auto;
import io.xceptionspark.config.ScoringMode;
import io.xceptionspark.config.ScoringOptions;
import org.junit.jupiter.api.Test;

/** The scoring unit's post-processing: what a result holds for each scoring mode, and top-k of any k. */
class ResultOptionsTest {
    private static final float[] LOGITS = {0.5f, 3f, -1f, 2f, 3f};
    private static final float[] EMBEDDING = {3f, 4f};

    @Test
    void labelsModeComputesTheTopKAndNoEmbedding() {
        ScoreResult.Scored s = ResultOptions.of(new ScoringOptions(ScoringMode.LABELS, 3, true, false, 8, Auto.auto()))
                .result(LOGITS, EMBEDDING);
        assertEquals(3, s.topK().length);
        assertEquals(1, s.topK()[0].classIndex());
        assertEquals(4, s.topK()[1].classIndex()); // a tie keeps the lower index first
        assertEquals(3, s.topK()[2].classIndex());
        assertNull(s.embedding());
        assertSame(LOGITS, s.logits());
    }

    @Test
    void embeddingsModeNormalisesAsAskedAndComputesNoTopK() {
        ScoreResult.Scored normalised = ResultOptions.of(
                new ScoringOptions(ScoringMode.EMBEDDINGS, 3, true, true, 8, Auto.auto())).result(LOGITS, EMBEDDING);
        assertArrayEquals(new float[] {0.6f, 0.8f}, normalised.embedding(), 1e-6f);
        assertNull(normalised.topK());
        ScoreResult.Scored raw = ResultOptions.of(new ScoringOptions(ScoringMode.BOTH, 2, false, false, 8, Auto.auto()))
                .result(LOGITS, EMBEDDING);
        assertSame(EMBEDDING, raw.embedding());
        assertEquals(2, raw.topK().length);
    }

    @Test
    void everythingIgnoresTheModeForTheSqlFunctions() {
        ScoreResult.Scored s = ResultOptions.everything(new ScoringOptions(ScoringMode.LABELS, 2, true, false, 8, Auto.auto()))
                .result(LOGITS, EMBEDDING);
        assertArrayEquals(new float[] {0.6f, 0.8f}, s.embedding(), 1e-6f);
        assertEquals(2, s.topK().length);
    }

    @Test
    void topKOfAnyKMatchesComputingItAfresh() {
        ScoreResult.Scored s = ResultOptions.of(new ScoringOptions(ScoringMode.LABELS, 3, false, false, 8, Auto.auto()))
                .result(LOGITS, null);
        for (int k = 1; k <= 6; k++) {
            assertArrayEquals(Scores.topK(LOGITS, k), s.topK(k), "k = " + k);
        }
        assertNull(new ScoreResult.Scored(null, EMBEDDING, null).topK(2));
    }
}
