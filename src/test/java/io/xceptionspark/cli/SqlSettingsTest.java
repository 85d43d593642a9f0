package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.xceptionspark.config.ConfigKey;
import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.config.KeyRole;
import io.xceptionspark.sql.FunctionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code xception-spark sql} hands the SQL functions: the keys of the sql role, in the form they read. */
class SqlSettingsTest {
    @Test
    void theSessionGetsTheSqlKeysInTheirPlainForm(@TempDir Path tmp) throws Exception {
        Path job = Files.writeString(tmp.resolve("job.conf"),
                "xception-spark { preprocess.mean = [0.485, 0.456, 0.406], preprocess.decode-timeout = 2s }");
        JobConfigLoader loader = new JobConfigLoader().file(job);
        Map<String, String> keys = SqlCommand.modelKeys(loader.merged().getConfig(ConfigKeys.NAMESPACE));
        assertEquals(ConfigKeys.withRole(KeyRole.SQL).stream().map(ConfigKey::name).toList(), keys.keySet().stream().toList());
        assertFalse(keys.containsKey("output.path"));
        assertEquals("0.485,0.456,0.406", keys.get("preprocess.mean"), "a list as the functions' reader takes it");
        assertEquals("auto", keys.get("preprocess.std"));
        // the functions load exactly these settings
        assertEquals(2000, FunctionSettings.load(keys).preprocess().decodeTimeout().toMillis());
        assertEquals(0.485f, FunctionSettings.load(keys).preprocess().normalization().mean()[0]);
    }
}
