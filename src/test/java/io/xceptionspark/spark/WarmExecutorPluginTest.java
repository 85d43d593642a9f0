package io.xceptionspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.Preload;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.testing.TestJobs;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * scoring.preload: the session gets the executor plugin for cluster masters (or when asked), carrying the
 * job's model; the executor side loads exactly the model the tasks will ask the cache for, and warms it up.
 */
class WarmExecutorPluginTest {
    private static JobConfig job(String master, String preload) {
        return TestJobs.small(List.of(Path.of("in")), Path.of("out")).set("spark.master", master)
                .set("scoring.preload", preload).load();
    }

    private static boolean hasPlugin(SparkConf conf) {
        return List.of(conf.get("spark.plugins", "").split(",")).contains(WarmExecutorPlugin.class.getName());
    }

    @Test
    void onForClusterMastersOffForLocalByDefault() {
        assertTrue(hasPlugin(SparkSessions.sparkConf(job("spark://10.0.0.1:7077", "auto"), null)));
        assertTrue(hasPlugin(SparkSessions.sparkConf(job("yarn", "auto"), null)));
        assertFalse(hasPlugin(SparkSessions.sparkConf(job("local[2]", "auto"), null)));
        assertTrue(hasPlugin(SparkSessions.sparkConf(job("local[2]", "true"), null)));
        assertFalse(hasPlugin(SparkSessions.sparkConf(job("spark://10.0.0.1:7077", "false"), null)));
    }

    /** With local[N] the driver's JVM runs the tasks: it warms the model itself, unless preload is false. */
    @Test
    void theDriverWarmsUpForLocalMastersOnly() {
        assertTrue(Preload.AUTO.warmsTheDriver("local[*]"));
        assertTrue(Preload.AUTO.warmsTheDriver("local"));
        assertTrue(Preload.ON.warmsTheDriver("local[2]"));
        assertFalse(Preload.OFF.warmsTheDriver("local[2]"));
        assertFalse(Preload.AUTO.warmsTheDriver("local-cluster[2,1,1024]"), "its executors are other JVMs");
        assertFalse(Preload.AUTO.warmsTheDriver("spark://10.0.0.1:7077"));
        assertFalse(Preload.ON.warmsTheDriver("yarn"), "the executors warm up through the plugin");
    }

    @Test
    void otherPluginsAreKept() {
        JobConfig job = TestJobs.small(List.of(Path.of("in")), Path.of("out")).set("spark.master", "spark://h:7077")
                .set("spark.conf.spark.plugins", "com.example.Other").load();
        SparkConf conf = SparkSessions.sparkConf(job, null);
        assertEquals("com.example.Other," + WarmExecutorPlugin.class.getName(), conf.get("spark.plugins"));
    }

    @Test
    void theExecutorSideWarmsTheTasksModel() throws Exception {
        JobConfig job = job("spark://10.0.0.1:7077", "auto");
        SparkConf conf = SparkSessions.sparkConf(job, null);
        WarmExecutorPlugin.Warmup shipped = WarmExecutorPlugin.Warmup.decode(conf.get(WarmExecutorPlugin.JOB_KEY));
        assertEquals(job.model(), shipped.model(), "the cache key the tasks use");
        assertEquals(job.preprocess(), shipped.preprocess());
        assertEquals(job.scoring(), shipped.scoring());
        int loads = ModelCache.loadCount();
        WarmExecutorPlugin.warm(shipped, 1);
        assertEquals(loads + 1, ModelCache.loadCount(), "loaded once");
        WarmExecutorPlugin.warm(shipped, 1);
        ModelCache.acquire(job.model());
        assertEquals(loads + 1, ModelCache.loadCount(), "the tasks find it in the cache");
    }
}
