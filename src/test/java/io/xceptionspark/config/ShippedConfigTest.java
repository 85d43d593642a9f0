package io.xceptionspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The configuration files the project ships: conf/, jobs/, and the key table in docs/. */
class ShippedConfigTest {
    @Test
    void siteFileMirrorsTheBundledDefaults() {
        Config site = ConfigFactory.parseFile(Path.of("conf/xception-spark.conf").toFile()).resolve();
        assertEquals(ConfigKeys.defaults().root().unwrapped(), site.root().unwrapped());
    }

    @Test
    void everyJobFileIsValid() throws Exception {
        List<Path> jobs;
        try (Stream<Path> files = Files.list(Path.of("jobs"))) {
            jobs = files.filter(f -> f.toString().endsWith(".conf")).sorted().toList();
        }
        assertTrue(jobs.size() >= 4, jobs.toString());
        for (Path job : jobs) {
            JobConfigLoader loader = new JobConfigLoader().file(Path.of("conf/xception-spark.conf")).file(job)
                    .set("output.path", "/tmp/out");
            if (job.getFileName().toString().equals("torchscript.conf")) {
                loader.set("model.torchscript", "/models/model.pt");
            }
            if (job.getFileName().toString().equals("stream.conf")) {
                loader.set("input.stream.checkpoint", "/tmp/checkpoint"); // --checkpoint
            }
            if (job.getFileName().toString().equals("manifest.conf")) {
                loader.set("input.manifest.source", "/data/manifest.parquet"); // --manifest
            }
            if (!loader.merged().hasPath("xception-spark.input.paths") || loader.load().input().paths().isEmpty()) {
                loader.set("input.paths", "/data");
            }
            JobConfig config = loader.load().requireInputAndOutput();
            assertTrue(config.scoring().batchSize() > 0, job.toString());
        }
    }

    @Test
    void sampleJobIsTheOnlyOneWithTheRandomWeightsFallback() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("jobs"))) {
            for (Path job : files.toList()) {
                boolean fallback = new JobConfigLoader().file(job).set("model.torchscript", "/m.pt").merged()
                        .getBoolean("xception-spark.model.imagenet-fallback-random");
                assertEquals(job.getFileName().toString().equals("sample.conf"), fallback, job.toString());
            }
        }
    }

    @Test
    void configurationDocsHoldTheCurrentKeyTable() throws Exception {
        String docs = Files.readString(Path.of("docs/CONFIGURATION.md"));
        assertTrue(docs.contains(ConfigDocs.markdownTable()), "docs/CONFIGURATION.md's key table is out of date:"
                + " regenerate it with io.xceptionspark.config.ConfigDocs (see the file)");
        for (ConfigKey key : ConfigKeys.all()) {
            assertTrue(docs.contains("| `" + key.name() + "` |"), key.name());
        }
    }

    @Test
    void everyKeyHasADescription() {
        assertTrue(ConfigKeys.all().size() >= 35, "keys: " + ConfigKeys.all().size());
        for (ConfigKey key : ConfigKeys.all()) {
            assertTrue(key.description().length() > 10, key.name());
        }
    }
}
