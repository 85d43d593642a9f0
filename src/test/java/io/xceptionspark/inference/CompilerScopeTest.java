package io.xceptionspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * scoring.optimizing-compiler: the value is read and checked like every key, and per-image really installs HotSpot
 * compiler directives (in a child JVM: directives last for a JVM's life, and the test JVM keeps its default).
 */
class CompilerScopeTest {
    @Test
    void theKeyDefaultsToPerImageAndRefusesOtherValues() {
        JobConfig job = new JobConfigLoader().load();
        assertEquals(CompilerScope.PER_IMAGE, job.spark().optimizingCompiler());
        assertEquals(CompilerScope.ALL,
                new JobConfigLoader().set("scoring.optimizing-compiler", "all").load().spark().optimizingCompiler());
        JobConfigException bad = assertThrows(JobConfigException.class,
                () -> new JobConfigLoader().set("scoring.optimizing-compiler", "fast").load());
        assertTrue(bad.getMessage().contains("scoring.optimizing-compiler") && bad.getMessage().contains("per-image"),
                bad.getMessage());
        assertEquals("per-image", CompilerScope.PER_IMAGE.configName());
    }

    @Test
    void perImageLimitsC2ToThePerImageCode() throws Exception {
        String directives = childJvm("per-image");
        // the per-image code keeps C2 ...
        for (String kept : List.of("io/xceptionspark/*.*", "jdk/incubator/vector/*.*", "org/apache/parquet/*.*",
                "sun/security/provider/*.*")) {
            assertTrue(directives.contains("matching: " + kept), kept + " in\n" + directives);
        }
        // ... and everything else is excluded from it: a directive for every method before HotSpot's own default
        int everyMethod = directives.indexOf("matching: *.*");
        assertTrue(everyMethod > 0 && directives.indexOf("matching: *.*", everyMethod + 1) > everyMethod, directives);
        String c2 = directives.substring(directives.indexOf("c2 directives:", everyMethod));
        assertTrue(c2.lines().skip(2).findFirst().orElse("").contains("Exclude:true"), c2);
        // 'all' installs nothing (only HotSpot's default directive), and the first scope a JVM applies decides
        String all = childJvm("all");
        assertEquals(all.indexOf("matching: *.*"), all.lastIndexOf("matching: *.*"), all);
        assertFalse(all.contains("io/xceptionspark"), all);
    }

    /** The directives a child JVM prints after applying this scope, and then another one. */
    private static String childJvm(String scope) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), Probe.class.getName(), scope)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, process.exitValue(), output);
        return output;
    }

    /** Applies the scope named by its argument (and then the other one), prints the JVM's compiler directives. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            CompilerScope.applyNamed(args[0]);
            CompilerScope.applyNamed(args[0].equals("all") ? "per-image" : "all");
            System.out.println(ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesPrint",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()}));
        }
    }
}
