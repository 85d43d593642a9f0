package io.xceptionspark.inference;

import ai.djl.Model;
import io.xceptionspark.model.AlignedXception;
import io.xceptionspark.model.Precision;
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
 * checked against {@link ModelSpec#weightsSha256()} when that is set.
 */
public final class ModelLoader {
    private ModelLoader() {}

    /** {@link #load(ModelSpec, Configuration)} with Hadoop's default configuration. */
    public static ScoringModel load(ModelSpec spec) {
        return load(spec, null);
    }

    /**
     * @param hadoop the configuration to read remote weights with; null: Hadoop's defaults
     */
    public static ScoringModel load(ModelSpec spec, Configuration hadoop) {
        if (spec.isTorchScript()) {
            String location = spec.torchScriptPath();
            Path file;
            String checksum = "";
            String sha256 = "";
            if (isLocalPath(location)) {
                file = Paths.get(location);
                if (java.nio.file.Files.isRegularFile(file)) { // a missing file: TorchScriptModels names the fix
                    Resolved resolved = verified(location, file, spec);
                    checksum = "sha256=" + resolved.shortSha();
                    sha256 = resolved.sha256();
                }
            } else {
                Resolved resolved = resolveFile(location, WeightsSource.parse(location), spec, hadoop);
                file = resolved.file();
                checksum = "sha256=" + resolved.shortSha();
                sha256 = resolved.sha256();
            }
            return TorchScriptModels.load(file, OutputLayout.parseTorchScript(spec.torchScriptOutputs()),
                    spec.inputHeight(), spec.inputWidth(), checksum).withWeightsSha256(sha256);
        }
        XceptionOptions options = spec.xceptionOptions();
        WeightsSource source = WeightsSource.parse(spec.weights());
        if (spec.timmVariant() != null) {
            return loadTimm(spec, spec.timmVariant(), options, source, hadoop);
        }
        OutputLayout layout = options.includeTop() ? OutputLayout.XCEPTION_WITH_TOP : OutputLayout.XCEPTION_NOTOP;
        int classes = options.includeTop() ? options.classes() : 0;
        int embedding = XceptionOptions.EMBEDDING_SIZE;
        if (source instanceof WeightsSource.RandomInit random) {
            long seed = spec.seed() != 0 ? spec.seed() : random.seed();
            Model model = XceptionModels.withRandomWeights(options, seed, spec.foldBatchNorm(), spec.precision());
            return new ScoringModel(model, layout, identity("random", "seed=" + seed, spec),
                    options.inputHeight(), options.inputWidth(), classes, embedding);
        }
        Resolved resolved;
        String kind;
        if (source instanceof WeightsSource.Imagenet) {
            checkImagenetOptions(options);
            ImagenetWeights cache = spec.weightsCacheDir().isBlank()
                    ? new ImagenetWeights(ImagenetWeights.defaultCacheDir(), spec.allowDownload())
                    : new ImagenetWeights(Paths.get(spec.weightsCacheDir()), spec.allowDownload());
            Path file = cache.resolve(options.includeTop());
            resolved = verified(file.toString(), file, spec);
            kind = "imagenet";
        } else {
            resolved = resolveFile(spec.weights(), source, spec, hadoop);
            kind = "keras-h5";
        }
        Path file = resolved.file();
        KerasWeightsFile weightsFile = KerasWeightsFile.read(file);
        Model model = XceptionModels.withKerasWeights(options, weightsFile.layers(), file.toString(),
                spec.foldBatchNorm(), spec.precision());
        return new ScoringModel(model, layout, identity(kind, "sha256=" + resolved.shortSha(), spec)
                .withWeightsSha256(resolved.sha256()),
                options.inputHeight(), options.inputWidth(), classes, embedding);
    }

    /** timm's aligned Xception with seeded random weights or a timm model.safetensors (strictly loaded). */
    private static ScoringModel loadTimm(ModelSpec spec, AlignedXception timm, XceptionOptions options,
                                         WeightsSource source, Configuration hadoop) {
        OutputLayout layout = options.includeTop() ? OutputLayout.XCEPTION_WITH_TOP : OutputLayout.XCEPTION_NOTOP;
        int classes = options.includeTop() ? options.classes() : 0;
        String architecture = withPrecision("timm/" + timm.id(), spec);
        Model model;
        ModelIdentity identity;
        if (source instanceof WeightsSource.RandomInit random) {
            long seed = spec.seed() != 0 ? spec.seed() : random.seed();
            model = XceptionModels.withRandomWeights(timm, options, seed, spec.foldBatchNorm(), spec.precision());
            identity = new ModelIdentity(architecture, "random", "seed=" + seed);
        } else if (source instanceof WeightsSource.Imagenet) {
            throw new WeightsException("model.weights = imagenet names Keras' official file, which only fits"
                    + " model.architecture = xception; timm " + timm.id() + " needs its model.safetensors (as on the"
                    + " Hugging Face hub, timm/" + timm.id() + ".tf_in1k): set model.weights to its path or URI.");
        } else {
            Resolved resolved = resolveFile(spec.weights(), source, spec, hadoop);
            if (SafetensorsFile.isHdf5(resolved.file())) {
                throw new WeightsMismatchException(spec.weights() + " is a Keras HDF5 (.h5) weights file, but"
                        + " model.architecture = " + timm.id() + " takes timm's model.safetensors: give that file, or"
                        + " set model.architecture = xception for this .h5 file.");
            }
            model = XceptionModels.withSafetensors(timm, options, resolved.file(), spec.foldBatchNorm(),
                    spec.precision());
            identity = new ModelIdentity(architecture, "", "sha256=" + resolved.shortSha(), resolved.sha256());
        }
        return new ScoringModel(model, layout, identity, options.inputHeight(), options.inputWidth(), classes,
                XceptionOptions.EMBEDDING_SIZE);
    }

    /** The built-in network's identity; bfloat16 says so in the architecture (float32 keeps its old name). */
    private static ModelIdentity identity(String kind, String checksum, ModelSpec spec) {
        return new ModelIdentity(withPrecision("xception", spec), kind, checksum);
    }

    /** bfloat16 says so in the architecture's name (float32 keeps the plain name). */
    private static String withPrecision(String architecture, ModelSpec spec) {
        return spec.precision() == Precision.FLOAT32 ? architecture
                : architecture + "-" + spec.precision().configName();
    }

    /** A local file holding the weights (or TorchScript model), and its SHA-256. */
    private record Resolved(Path file, String sha256) {
        String shortSha() {
            return sha256.substring(0, Checksums.SHORT_ID_LENGTH);
        }
    }

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
        Checksums.requireSha256(given, sha, spec.weightsSha256());
        return new Resolved(file, sha);
    }

    private static Resolved fetched(java.net.URI uri, ModelSpec spec, Configuration hadoop) {
        Path dir = spec.remoteWeightsCacheDir().isBlank() ? RemoteWeightsCache.defaultDir()
                : Paths.get(spec.remoteWeightsCacheDir());
        RemoteWeightsCache.LocalCopy copy = new RemoteWeightsCache(dir, hadoop == null ? new Configuration() : hadoop)
                .resolve(uri, spec.weightsSha256());
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
