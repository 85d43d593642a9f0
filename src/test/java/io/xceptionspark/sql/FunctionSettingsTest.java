package io.xceptionspark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.Auto;
import io.xceptionspark.config.ScoringMode;
import io.xceptionspark.config.ScoringOptions;
import org.junit.jupiter.api.Test;

/** The SQL functions' settings follow the job's rules (no Spark session needed). */
class FunctionSettingsTest {
    @Test
    void topKBeyondTheModelsClassesFailsAsInAJobInsteadOfBeingClamped() {
        ScoringOptions five = new ScoringOptions(ScoringMode.LABELS, 5, false, false, 1, Auto.auto());
        assertEquals(5, FunctionSettings.topK(five, 1000));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FunctionSettings.topK(five, 3));
        assertTrue(e.getMessage().contains("scoring.top-k = 5 exceeds the model's 3 classes"), e.getMessage());
        assertTrue(e.getMessage().contains(FunctionSettings.PREFIX + "scoring.top-k"), e.getMessage());
    }
}
