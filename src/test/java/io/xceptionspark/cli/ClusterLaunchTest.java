package io.xceptionspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher with a cluster master: it ships its jar as spark-submit would, or refuses before Spark starts
 * (exit 2, naming scripts/submit.sh). scripts/cluster-test.sh runs it against the local standalone cluster.
 */
class ClusterLaunchTest {
    @TempDir
    Path tmp;

    @Test
    void aStandaloneMasterGetsTheJar() throws Exception {
        Path jar = Files.writeString(tmp.resolve("xception-spark.jar"), "");
        Map<String, String> settings = ClusterLaunch.settings("spark://10.0.0.1:7077", jar.toString(), false, c -> false);
        assertEquals(Map.of("spark.jars", jar.toString(), "spark.submit.deployMode", "client"), settings);
    }

    @Test
    void localMastersAndSparkSubmitNeedNothing() {
        assertEquals(Map.of(), ClusterLaunch.settings("local[2]", "target/classes", false, c -> false));
        assertEquals(Map.of(), ClusterLaunch.settings("local[*]", "target/classes", false, c -> false));
        assertEquals(Map.of(), ClusterLaunch.settings("yarn", "target/classes", true, c -> false));
    }

    @Test
    void yarnAndKubernetesWithoutTheirClusterManagersAreRefused() throws Exception {
        Path jar = Files.writeString(tmp.resolve("xception-spark.jar"), "");
        for (String master : new String[] {"yarn", "k8s://https://10.0.0.1:6443"}) {
            JobConfigException e = assertThrows(JobConfigException.class,
                    () -> ClusterLaunch.settings(master, jar.toString(), false, c -> false));
            assertTrue(e.getMessage().contains("scripts/submit.sh --master " + master), e.getMessage());
        }
        // with the cluster manager on the classpath, the launcher ships the jar there too
        assertEquals(jar.toString(), ClusterLaunch.settings("yarn", jar.toString(), false, c -> true).get("spark.jars"));
    }

    @Test
    void theCommandLineRefusesBeforeSparkStarts() throws Exception {
        Path input = tmp.resolve("in");
        Files.createDirectories(input);
        Files.copy(TestData.path("edge-images/hopper.bmp"), input.resolve("hopper.bmp"));
        Path output = tmp.resolve("out");
        // the tests run from target/classes, not a jar: nothing the executors could load
        CliRun run = CliRun.of("score", "--input", input.toString(), "--output", output.toString(),
                "--set", "model.weights=none", "--master", "spark://127.0.0.1:1");
        assertEquals(ExitCodes.CONFIG, run.exitCode(), run.toString());
        assertTrue(run.err().contains("scripts/submit.sh --master spark://127.0.0.1:1"), run.toString());
        CliRun yarn = CliRun.of("score", "--input", input.toString(), "--output", output.toString(),
                "--set", "model.weights=none", "--master", "yarn");
        assertEquals(ExitCodes.CONFIG, yarn.exitCode(), yarn.toString());
        assertTrue(yarn.err().contains("no YARN support"), yarn.toString());
        assertFalse(Files.exists(output));
    }
}
