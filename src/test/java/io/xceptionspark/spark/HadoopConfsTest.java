package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The driver's Hadoop settings shipped as a map of non-defaults and rebuilt on the executors. */
class HadoopConfsTest {
    @Test
    void rebuildGivesHadoopsDefaultsPlusTheShippedSettings() {
        Configuration driver = new Configuration();
        driver.set("fs.s3a.endpoint", "http://127.0.0.1:9000");
        driver.setInt("io.file.buffer.size", 131072);
        HashMap<String, String> shipped = HadoopConfs.nonDefaults(driver);
        assertEquals(Map.of("fs.s3a.endpoint", "http://127.0.0.1:9000", "io.file.buffer.size", "131072"), shipped);

        Configuration first = HadoopConfs.rebuild(shipped);
        assertEquals("http://127.0.0.1:9000", first.get("fs.s3a.endpoint"));
        assertEquals(131072, first.getInt("io.file.buffer.size", 0));
        // Hadoop's defaults are there (core-default.xml) ...
        assertEquals(new Configuration().get("fs.defaultFS"), first.get("fs.defaultFS"));
        assertEquals(new Configuration().size() + 1, first.size()); // one key core-default.xml lacks
        // ... and each rebuilt configuration is its own: a change to one reaches neither the next nor the defaults
        first.set("fs.s3a.endpoint", "http://elsewhere");
        first.set("xception-spark.test.only", "here");
        Configuration second = HadoopConfs.rebuild(shipped);
        assertEquals("http://127.0.0.1:9000", second.get("fs.s3a.endpoint"));
        assertNull(second.get("xception-spark.test.only"));
        assertNull(HadoopConfs.rebuild(Map.of()).get("fs.s3a.endpoint"));
    }
}
