package io.xceptionspark.inference;

import ai.djl.Model;
import io.xceptionspark.model.AlignedXception;
import io.xceptionspark.model.Precision;
import io.xceptionspark.model.RuntimeOptions;
import io.xceptionspark.model.WeightsMismatchException;
import io.xceptionspark.model.XceptionModels;
import io.xceptionspark.model.XceptionOptions;
import io.xceptionspark.weights.Checksums;
import io.xceptionspark.weights.ImagenetWeights;
import io.xceptionspark.weights.KerasWeightsFile;
import io.xceptionspark.weights.RemoteWeightsCache;
import io.xceptionspark.weights.SafetensorsFile;
import io.xceptionspark.weights.ShippedFiles;
import io.xceptionspark.weights.WeightsException;
import io.xceptionspark.weights.WeightsSource;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;

/**
 * Turns a {@link ModelSpec} into a loaded {@link ScoringModel}: resolves the weights, builds, checks. Keras'
 * xception takes Keras .h5 files, timm's aligned xception41/65/71 a timm model.safetensors (strictly loaded).
 *
 * <p>Weights (and TorchScript files) can be local paths, {@code file:} URIs (read in place: on a cluster they
 * must exist on every node), any other Hadoop file system URI (copied once into a local cache by
 * {@link RemoteWeightsCache}) or {@code spark-files:NAME} for a file shipped with {@code --files}
 * ({@link ShippedFiles}). Every file's SHA-256 is computed once: it goes into the model's identity and is
 * checked against {@link PretrainedWeights#sha256()} when that is set. {@link #locate} finds the weights,
 * {@link #load(ModelSpec, LocatedWeights)} builds the model, so that {@link ModelCache} can key models by
 * the weights' content.
 */
public final class ModelLoader {
    private ModelLoader() {}

    /** {@link #load(ModelSpec, Configuration)} with Hadoop's default configuration. */
    public static ScoringModel load(ModelSpec spec) {
        return load(spec, (Configuration) null);
    }

    /**
     * @param hadoop the configuration to read remote weights with; null: Hadoop's defaults
     */
    public static ScoringModel load(ModelSpec spec, Configuration hadoop) {
        return load(spec, locate(spec, hadoop));
    }

    /**
     * The weights of a spec found on this node: a local file and its SHA-256 (checked against
     * {@link PretrainedWeights#sha256()} when that is set), or the seed of random weights.
     *
     * @param kind how the identity names the source: {@code random}, {@code imagenet}, {@code keras-h5}, empty for
     *             timm's safetensors, or the file name of a TorchScript model
     * @param file the local file; null for random weights
     * @param sha256 its SHA-256; empty for random weights and for a TorchScript path missing on this node
     */
    record LocatedWeights(String kind, Path file, String sha256, long seed) {
        /**
         * The weights' part of {@link ModelKey}: their content, never their location (but for a missing file).
         * The kind is part of it because the model's identity, written beside every output row, names it: the
         * same file as {@code imagenet} and as a path must not report whichever a JVM happened to load first.
         */
        String identity() {
            if (file == null) {
                return "seed=" + seed;
            }
            return kind + (sha256.isEmpty() ? " missing=" + file.toAbsolutePath() : " sha256=" + sha256);
        }

        /** The short form written in {@link ModelIdentity}, e.g. {@code sha256=0a1b2c3d4e5f}. */
        String checksum() {
            if (file == null) {
                return "seed=" + seed;
            }
            return sha256.isEmpty() ? "" : "sha256=" + sha256.substring(0, Checksums.SHORT_ID_LENGTH);
        }
    }

    /**
     * Finds (fetches, downloads if allowed, checksums) the weights of {@code spec} without building anything.
     *
     * @param hadoop the configuration to read remote weights with; null: Hadoop's defaults
     */
    static LocatedWeights locate(ModelSpec spec, Configuration hadoop) {
        PretrainedWeights pretrained = spec.pretrained();
        if (spec.isTorchScript()) {
            String location = pretrained.torchScriptPath();
            String name;
            Resolved resolved;
            if (isLocalPath(location)) {
                Path file = Paths.get(location);
                name = file.getFileName().toString();
                if (!java.nio.file.Files.isRegularFile(file)) { // TorchScriptModels names the fix
                    return new LocatedWeights(name, file, "", 0L);
                }
                resolved = verified(location, file, spec);
            } else {
                resolved = resolveFile(location, WeightsSource.parse(location), spec, hadoop);
                name = resolved.file().getFileName().toString();
            }
            return new LocatedWeights(name, resolved.file(), resolved.sha256(), 0L);
        }
        WeightsSource source = WeightsSource.parse(pretrained.weights());
        AlignedXception timm = spec.timmVariant();
        if (source instanceof WeightsSource.RandomInit random) {
            return new LocatedWeights("random", null, "", pretrained.seed() != 0 ? pretrained.seed() : random.seed());
        }
        if (source instanceof WeightsSource.Imagenet) {
            if (timm != null) {
                throw new WeightsException("model.weights = imagenet names Keras' official file, which only fits"
                        + " model.architecture = xception; timm " + timm.id() + " needs its model.safetensors (as on"
                        + " the Hugging Face hub, timm/" + timm.id() + ".tf_in1k): set model.weights to its path or"
                        + " URI.");
            }
            checkImagenetOptions(spec.xceptionOptions());
            WeightsFetch fetch = spec.fetch();
            ImagenetWeights cache = new ImagenetWeights(fetch.weightsCacheDir().isBlank()
                    ? ImagenetWeights.defaultCacheDir() : Paths.get(fetch.weightsCacheDir()), fetch.allowDownload());
            Path file = cache.resolve(spec.head().includeTop());
            Resolved resolved = verified(file.toString(), file, spec);
            return new LocatedWeights("imagenet", resolved.file(), resolved.sha256(), 0L);
        }
        Resolved resolved = resolveFile(pretrained.weights(), source, spec, hadoop);
        if (timm != null && SafetensorsFile.isHdf5(resolved.file())) {
            throw new WeightsMismatchException(pretrained.weights() + " is a Keras HDF5 (.h5) weights file, but"
                    + " model.architecture = " + timm.id() + " takes timm's model.safetensors: give that file, or"
                    + " set model.architecture = xception for this .h5 file.");
        }
        return new LocatedWeights(timm != null ? "" : "keras-h5", resolved.file(), resolved.sha256(), 0L);
    }

    /** Builds the model of {@code spec} with weights {@link #locate located} before. */
    static ScoringModel load(ModelSpec spec, LocatedWeights weights) {
        if (spec.isTorchScript()) {
            return TorchScriptModels.load(weights.file(), spec.outputLayout(), spec.inputHeight(), spec.inputWidth(),
                    weights.checksum()).withWeightsSha256(weights.sha256());
        }
        XceptionOptions options = spec.xceptionOptions();
        RuntimeOptions runtime = spec.runtime();
        AlignedXception timm = spec.timmVariant();
        Model model;
        if (weights.file() == null) {
            model = timm != null ? XceptionModels.withRandomWeights(timm, options, weights.seed(), runtime)
                    : XceptionModels.withRandomWeights(options, weights.seed(), runtime);
        } else if (timm != null) {
            model = XceptionModels.withSafetensors(timm, options, weights.file(), runtime);
        } else {
            KerasWeightsFile file = KerasWeightsFile.read(weights.file());
            model = XceptionModels.withKerasWeights(options, file.layers(), weights.file().toString(), runtime);
        }
        String architecture = timm != null ? "timm/" + timm.id() : "xception";
        // bfloat16 says so in the architecture's name (float32 keeps the plain name)
        if (runtime.precision() != Precision.FLOAT32) {
            architecture += "-" + runtime.precision().configName();
        }
        ModelIdentity identity = new ModelIdentity(architecture, weights.kind(), weights.checksum(), weights.sha256());
        return new ScoringModel(model, spec.outputLayout(), identity, options.inputHeight(), options.inputWidth(),
                options.includeTop() ? options.classes() : 0, XceptionOptions.EMBEDDING_SIZE);
    }

    /** A local file holding the weights (or TorchScript model), and its SHA-256. */
    private record Resolved(Path file, String sha256) {}

    /** A local file, a file shipped with --files, or a Hadoop URI, as a verified local file. */
    private static Resolved resolveFile(String given, WeightsSource source, ModelSpec spec, Configuration hadoop) {
        if (source instanceof WeightsSource.LocalFile local) {
            return verified(given, local.path(), spec);
        }
        if (source instanceof WeightsSource.RemoteUri remote) {
            return fetched(remote.uri(), spec, hadoop);
        }
        if (source instanceof WeightsSource.ShippedFile shipped) {
            ShippedFiles.Location location = ShippedFiles.locate(shipped.name());
            if (location instanceof ShippedFiles.Remote r) {
                return fetched(r.uri(), spec, hadoop);
            }
            return verified(given, ((ShippedFiles.Local) location).path(), spec);
        }
        throw new WeightsException("'" + given + "' is not a file: give the path or URI of a model file.");
    }

    private static Resolved verified(String given, Path file, ModelSpec spec) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new WeightsException(given + ": " + file.toAbsolutePath() + " does not exist on this node. On a"
                    + " cluster a local path must exist on every node: use a shared URI (hdfs://, s3a://, ...) or"
                    + " ship the file with spark-submit --files and name it spark-files:" + file.getFileName() + ".");
        }
        String sha = Checksums.sha256(file);
        Checksums.requireSha256(given, sha, spec.pretrained().sha256());
        return new Resolved(file, sha);
    }

    private static Resolved fetched(java.net.URI uri, ModelSpec spec, Configuration hadoop) {
        String cacheDir = spec.fetch().remoteWeightsCacheDir();
        Path dir = cacheDir.isBlank() ? RemoteWeightsCache.defaultDir() : Paths.get(cacheDir);
        RemoteWeightsCache.LocalCopy copy = new RemoteWeightsCache(dir, hadoop == null ? new Configuration() : hadoop)
                .resolve(uri, spec.pretrained().sha256());
        return new Resolved(copy.file(), copy.sha256());
    }

    /** A plain path (not a URI): TorchScript files given so are read in place, as they always were. */
    private static boolean isLocalPath(String location) {
        int colon = location.indexOf(':');
        return colon <= 1 || !location.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    }

    /** Keras' rule: the ImageNet classifier needs 1000 classes at 299x299. */
    private static void checkImagenetOptions(XceptionOptions options) {
        if (!options.includeTop()) {
            return;
        }
        if (options.classes() != XceptionOptions.IMAGENET_CLASSES) {
            throw new IllegalArgumentException("weights=imagenet with include_top needs classes=1000 (got "
                    + options.classes() + "). Use include_top=false, or your own weights file for " + options.classes()
                    + " classes.");
        }
        if (options.inputHeight() != XceptionOptions.DEFAULT_INPUT_SIZE
                || options.inputWidth() != XceptionOptions.DEFAULT_INPUT_SIZE) {
            throw new IllegalArgumentException("weights=imagenet with include_top needs a 299x299 input (got "
                    + options.inputHeight() + "x" + options.inputWidth() + "). Use input 299x299, or include_top=false.");
        }
    }
}
