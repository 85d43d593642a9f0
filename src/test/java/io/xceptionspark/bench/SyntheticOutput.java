package io.xceptionspark.bench;

import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.scoring.ImagenetLabels;
import io.xceptionspark.spark.OutputSchema;
import io.xceptionspark.spark.RunSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ArraySeq;

/**
 * A synthetic output of any size for the report's browser test and benchmark, without scoring: rows of the
 * job's exact schema (mode both, top-5, 2048-d L2-normalised embeddings) over real image files, so thumbnails
 * are real. {@link #files} hard-links copies of a few pictures (one file each, no bytes copied) and makes
 * broken files (empty, not an image, a truncated JPEG); row i is file i. Copies of one picture share a
 * label and sit near one embedding cluster, so the map and the neighbours look like a real run's. 3% of the
 * rows are failures, and the rows are spread over three runs a day apart, like an incremental output.
 */
public final class SyntheticOutput {
    private static final int DIM = 2048;
    private static final int TOP_K = 5;
    private static final String MODEL = "xception/random:seed=0 (synthetic)";

    private SyntheticOutput() {}

    /** {@code n} files in {@code dir}: copies of {@code pictures}, with one broken file in every 33. */
    public static List<String> files(Path dir, List<Path> pictures, int n) throws IOException {
        Files.createDirectories(dir);
        byte[] jpeg = null;
        for (Path p : pictures) {
            if (p.getFileName().toString().toLowerCase().endsWith(".jpg")) {
                jpeg = Files.readAllBytes(p);
                break;
            }
        }
        List<String> paths = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Path f;
            if (i % 33 == 32) {
                switch ((i / 33) % 3) {
                    case 0 -> Files.write(f = dir.resolve(String.format("f%06d-empty.jpg", i)), new byte[0]);
                    case 1 -> Files.writeString(f = dir.resolve(String.format("f%06d-notes.jpg", i)), "not a picture\n");
                    default -> Files.write(f = dir.resolve(String.format("f%06d-cut.jpg", i)),
                            jpeg == null ? new byte[] {(byte) 0xFF, (byte) 0xD8} : Arrays.copyOf(jpeg, jpeg.length / 2));
                }
            } else {
                Path src = pictures.get(i % pictures.size());
                f = dir.resolve(String.format("f%06d-%s", i, src.getFileName()));
                Files.deleteIfExists(f);
                Files.createLink(f, src.toAbsolutePath());
            }
            paths.add(f.toAbsolutePath().toUri().toString().replaceFirst("^file:///", "file:/"));
        }
        return paths;
    }

    /** Writes the rows for {@code paths} (from {@link #files}) as Parquet at {@code output}, with a run summary. */
    public static void write(SparkSession spark, List<String> paths, int pictures, String output) {
        ScoringOptions both = new JobConfigLoader().set("scoring.mode", "both").load().scoring();
        StructType schema = OutputSchema.of(both);
        Instant day0 = Instant.parse("2026-11-28T06:00:00Z");
        MapPartitionsFunction<Row, Row> make = it -> rows(it, pictures, day0);
        List<Row> input = new ArrayList<>(paths.size());
        for (int i = 0; i < paths.size(); i++) {
            input.add(RowFactory.create((long) i, paths.get(i)));
        }
        StructType in = new StructType().add("i", "long").add("path", "string");
        int partitions = Math.max(2, paths.size() / 20_000);
        spark.createDataFrame(input, in).repartition(partitions).mapPartitions(make, Encoders.row(schema))
                .write().mode("overwrite").parquet(output);
        long failed = paths.size() / 33;
        new RunSummary(output, "append", "both", MODEL, "299x299 crop bicubic crop_pct=0.8975 mean=0.5,0.5,0.5 std=0.5,0.5,0.5", day0.plus(2, ChronoUnit.DAYS).toString(), paths.size(), 0,
                paths.size() - failed, failed, Map.of("EMPTY", (failed + 2) / 3, "UNSUPPORTED_FORMAT", (failed + 1) / 3,
                "CORRUPT", failed / 3), partitions, 0, 0, 0, Map.of())
                .writeBeside(output, spark.sparkContext().hadoopConfiguration());
    }

    private static Iterator<Row> rows(Iterator<Row> in, int pictures, Instant day0) {
        ImagenetLabels labels = ImagenetLabels.get();
        List<Row> out = new ArrayList<>();
        while (in.hasNext()) {
            Row r = in.next();
            long i = r.getLong(0);
            String path = r.getString(1);
            Instant scoredAt = day0.plus(i % 3, ChronoUnit.DAYS);
            Timestamp ts = Timestamp.from(scoredAt);
            Date runDate = Date.valueOf(scoredAt.atZone(ZoneOffset.UTC).toLocalDate());
            Timestamp mtime = Timestamp.from(day0.minus(1, ChronoUnit.DAYS));
            long length = 1000 + i;
            // a stand-in content hash (the rows' files are links to a few photos: their real bytes repeat)
            String sha256 = io.xceptionspark.weights.Checksums.sha256(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (i % 33 == 32) {
                String[] codeMessage = switch ((int) (i / 33) % 3) {
                    case 0 -> new String[] {"EMPTY", "file is empty (0 bytes)"};
                    case 1 -> new String[] {"UNSUPPORTED_FORMAT", "not a JPEG, PNG, GIF, BMP, TIFF or WebP file"};
                    default -> new String[] {"CORRUPT", "truncated JPEG: Premature end of JPEG file"};
                };
                out.add(RowFactory.create(path, mtime, length, sha256, "ERROR", codeMessage[0], codeMessage[1], null, null, null,
                        null, null, MODEL, ts, runDate));
                continue;
            }
            int cluster = (int) (i % pictures);
            SplittableRandom random = new SplittableRandom(i * 7919 + 17);
            int top1 = (cluster * 97 + 3) % ImagenetLabels.SIZE;
            float p1 = (float) (0.05 + 0.9 * Math.pow(random.nextDouble(), 0.7));
            Row[] top = new Row[TOP_K];
            float p = p1;
            for (int k = 0; k < TOP_K; k++) {
                int c = k == 0 ? top1 : (top1 + 11 * k + random.nextInt(5)) % ImagenetLabels.SIZE;
                p = k == 0 ? p1 : Math.min(p, (1 - p1) * (float) Math.pow(0.5, k)); // most probable first
                top[k] = RowFactory.create(c, labels.wnid(c), labels.label(c), p);
            }
            out.add(RowFactory.create(path, mtime, length, sha256, "OK", null, null, labels.label(top1), top1, p1,
                    ArraySeq.unsafeWrapArray(top), ArraySeq.unsafeWrapArray(embedding(cluster, random)), MODEL, ts,
                    runDate));
        }
        return out.iterator();
    }

    /** Unit vector: the cluster's centre (seeded by the cluster) plus noise. */
    private static float[] embedding(int cluster, SplittableRandom noise) {
        SplittableRandom centre = new SplittableRandom(cluster * 104729L + 1);
        float[] e = new float[DIM];
        double norm = 0;
        for (int d = 0; d < DIM; d++) {
            double v = Math.max(0, centre.nextGaussian()) + 0.8 * noise.nextGaussian();
            e[d] = (float) v;
            norm += v * v;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int d = 0; d < DIM; d++) {
            e[d] *= scale;
        }
        return e;
    }
}
