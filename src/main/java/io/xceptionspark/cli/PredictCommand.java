package io.xceptionspark.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.typesafe.config.Config;
import io.xceptionspark.config.ConfigKeys;
import io.xceptionspark.config.JobConfig;
import io.xceptionspark.config.JobConfigException;
import io.xceptionspark.config.JobConfigLoader;
import io.xceptionspark.model.CpuBfloat16;
import io.xceptionspark.model.Precision;
import io.xceptionspark.config.ScoringOptions;
import io.xceptionspark.inference.ModelCache;
import io.xceptionspark.inference.Architecture;
import io.xceptionspark.inference.OutputLayout;
import io.xceptionspark.inference.ScoringModel;
import io.xceptionspark.scoring.BatchScorer;
import io.xceptionspark.scoring.BatchingIterator;
import io.xceptionspark.scoring.ClassScore;
import io.xceptionspark.scoring.ImageFile;
import io.xceptionspark.scoring.ScoreResult;
import io.xceptionspark.scoring.ResultOptions;
import io.xceptionspark.spark.JobPreflight;
import io.xceptionspark.spark.ResultColumns;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xception-spark predict}: scores a few image files in this JVM, without Spark, and prints the
 * top-5 labels per image (or, with --json, one JSON object per image with top-k, logits and embedding).
 * Same model options, preprocessing and post-processing as the Spark job.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the top labels of image files (no Spark needed). Uses the same model and"
                + " preprocessing settings as score (see score --help for every key).",
        footer = {"", "Exit codes: 0 ok (images that cannot be decoded are reported per image), 2 usage error,"
                + " 3 model/weights error, 1 unexpected failure."})
final class PredictCommand implements Callable<Integer> {
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().disableHtmlEscaping()
            .create();

    @Mixin
    ConfigOptions config;

    @Mixin
    ModelOptions model;

    @Option(names = "--outputs", paramLabel = "DECL", description = "What the TorchScript model returns:"
            + " logits,embedding | logits | embedding.")
    String outputs;

    @Option(names = "--include-top", paramLabel = "BOOL", arity = "1", description = "Keep the classifier"
            + " (true, default) or only compute embeddings (false).")
    Boolean includeTop;

    @Option(names = "--classes", paramLabel = "N", description = "Classifier width (with your own weights).")
    Integer classes;

    @Option(names = "--input-size", paramLabel = "HxW", description = "Network input size, e.g. 299x299 or 299.")
    String inputSize;

    @Option(names = "--top-k", paramLabel = "K", description = "Classes to print per image (default 5).")
    Integer topK;

    @Option(names = "--json", description = "One JSON object per image and line: file, status, top_k, logits,"
            + " embedding.")
    boolean json;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files, or directories of them.")
    List<Path> images = new ArrayList<>();

    private final PrintStream out;
    private final PrintStream err;

    PredictCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        List<Path> files = expand(images);
        JobConfig job = load();
        ModelCache.Lease lease = ModelCache.acquire(job.model(), JobPreflight.hadoopConf(job));
        ScoringModel scoringModel = lease.model();
        err.println("model: " + scoringModel.identity());
        err.println("preprocess: " + scoringModel.inputHeight() + "x" + scoringModel.inputWidth() + " "
                + job.preprocess().describe());
        if (job.model().precision() != Precision.FLOAT32) {
            err.println("precision: " + job.model().precision().configName() + ", "
                    + CpuBfloat16.thisMachine().describe());
        }
        int threads = job.scoring().threadsFor(Runtime.getRuntime().availableProcessors());
        ScoringOptions scoring = job.scoring();
        ResultColumns columns = new ResultColumns(scoring);
        try (BatchScorer scorer = BatchScorer.holding(lease, job.preprocessConfig(), ResultOptions.of(scoring),
                threads)) {
            new BatchingIterator<>(files.iterator(), scorer, file -> read(file, scorer), (file, result) -> {
                print(file, result, columns);
                return file;
            }).forEachRemaining(printed -> { });
        }
        return ExitCodes.OK;
    }

    private JobConfig load() {
        JobConfigLoader loader = config.loader();
        model.apply(loader);
        ConfigOptions.setIf(loader, "model.torchscript-outputs", outputs);
        ConfigOptions.setIf(loader, "model.include-top", includeTop);
        ConfigOptions.setIf(loader, "model.classes", classes);
        if (inputSize != null) {
            String[] hw = inputSize.toLowerCase(Locale.ROOT).split("x");
            if (hw.length > 2 || hw[0].isBlank()) {
                throw new JobConfigException("--input-size takes HEIGHTxWIDTH or one size, e.g. 299x299 (got '"
                        + inputSize + "').");
            }
            loader.set("model.input-height", hw[0].strip()).set("model.input-width", hw[hw.length - 1].strip());
        }
        ConfigOptions.setIf(loader, "scoring.top-k", topK);
        // Print whatever the model returns: labels when it has a classifier, the embedding when it has one.
        Config modelKeys = loader.merged().getConfig(ConfigKeys.NAMESPACE + ".model");
        OutputLayout layout;
        try {
            layout = OutputLayout.of(Architecture.parse(modelKeys.getString("architecture")),
                    modelKeys.getBoolean("include-top"), modelKeys.getString("torchscript-outputs"));
        } catch (RuntimeException e) {
            layout = OutputLayout.XCEPTION_WITH_TOP; // let load() report the bad value with its key
        }
        loader.set("scoring.mode", layout.hasLogits() && layout.hasEmbedding() ? "both"
                : layout.hasLogits() ? "labels" : "embeddings");
        loader.set("scoring.include-logits", Boolean.toString(layout.hasLogits()));
        return loader.load();
    }

    private void print(Path file, ScoreResult result, ResultColumns columns) {
        ClassScore[] top = result instanceof ScoreResult.Scored s ? s.topK() : null;
        if (json) {
            JsonObject o = new JsonObject();
            o.addProperty("file", file.toString());
            columns.json(result, o);
            out.println(GSON.toJson(o));
            return;
        }
        if (result instanceof ScoreResult.Failed f) {
            out.println(file + ": ERROR " + f.code() + ": " + f.message());
        } else if (top == null) {
            out.println(file + ": embedding of " + ((ScoreResult.Scored) result).embedding().length + " floats"
                    + " (no classifier; use --json to print it)");
        } else {
            out.println(file);
            for (int i = 0; i < top.length; i++) {
                ClassScore c = top[i];
                out.printf(Locale.ROOT, "  %d. %-32s %8.4f  (class %d%s)%n", i + 1,
                        c.label() == null ? "class " + c.classIndex() : c.label(), c.probability(), c.classIndex(),
                        c.wnid() == null ? "" : ", " + c.wnid());
            }
        }
    }

    private static ImageFile read(Path file, BatchScorer scorer) {
        try {
            ImageFile overLimit = scorer.overLimit(Files.size(file));
            return overLimit != null ? overLimit : scorer.input(Files.readAllBytes(file), null);
        } catch (IOException e) {
            return ImageFile.failed(ScoreResult.UNREADABLE, "cannot read " + file + ": " + e);
        }
    }

    /** Files as given, and the files of given directories (sorted); a missing path is a usage error. */
    private static List<Path> expand(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> list = Files.list(p)) {
                    list.filter(Files::isRegularFile).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new JobConfigException("Cannot list " + p + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(p)) {
                files.add(p);
            } else {
                throw new JobConfigException("Image file " + p + " does not exist. Give existing image files or"
                        + " directories.");
            }
        }
        return files;
    }
}
