package io.xceptionspark.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.Auto;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.ScoringMode;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.spark.WarmExecutorPlugin;
import java.util.Map;
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

    @Test
    void theSessionsKeysAreTheKeyTablesAndOnlyTheSqlRoleIsTaken() {
        Map<String, String> keys = FunctionSettings.of(Map.of(FunctionSettings.PREFIX + "scoring.top-k", "3",
                WarmExecutorPlugin.JOB_KEY, "rO0AB...", "spark.master", "local[2]"));
        assertEquals(Map.of("scoring.top-k", "3"), keys, "the warm-up plugin's setting is not a key");
        assertEquals(3, FunctionSettings.load(keys).scoring().topK());
        JobConfigException notSql = assertThrows(JobConfigException.class,
                () -> FunctionSettings.load(Map.of("output.path", "/out")));
        assertTrue(notSql.getMessage().contains("not a setting of the SQL functions"), notSql.getMessage());
        // an entry of the spark.conf map is no key of its own: refused the same way (it was a NullPointerException)
        JobConfigException mapEntry = assertThrows(JobConfigException.class,
                () -> FunctionSettings.load(Map.of("spark.conf.spark.sql.shuffle.partitions", "8")));
        assertTrue(mapEntry.getMessage().contains("not a setting of the SQL functions"), mapEntry.getMessage());
        JobConfigException typo = assertThrows(JobConfigException.class,
                () -> FunctionSettings.load(FunctionSettings.of(Map.of(FunctionSettings.PREFIX + "scoring.topk", "3"))));
        assertTrue(typo.getMessage().contains("did you mean 'scoring.top-k'"), typo.getMessage());
    }
}
