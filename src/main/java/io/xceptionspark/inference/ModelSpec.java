package io.xceptionspark.inference;

import io.xceptionspark.model.AlignedXception;
import io.xceptionspark.model.ClassifierActivation;
import io.xceptionspark.model.Pooling;
import io.xceptionspark.model.Precision;
import io.xceptionspark.model.XceptionOptions;
import java.io.Serializable;
import java.util.Locale;

/**
 * Everything needed to load the scoring model, as a small immutable value: shipped from the driver to
 * every executor, and the key of the executor-wide {@link ModelCache} (equal specs share one model).
 *
 * @param architecture {@code xception} (built in, Keras weights), {@code xception41}, {@code xception65},
 *                     {@code xception71} (built in, timm's aligned Xceptions, safetensors weights) or
 *                     {@code torchscript} (a user .pt file)
 * @param includeTop Keras include_top
 * @param pooling Keras pooling when include_top is false ({@code avg} gives the embedding)
 * @param classes classifier width
 * @param classifierActivation softmax or none
 * @param inputHeight network input rows
 * @param inputWidth network input columns
 * @param weights {@code none}, {@code imagenet}, or a path/URI of a Keras HDF5 weights file (a timm
 *                {@code model.safetensors} for the timm architectures)
 * @param seed seed of the random initialisation when weights is none
 * @param torchScriptPath the .pt file when architecture is torchscript
 * @param torchScriptOutputs its declared outputs: logits,embedding | logits | embedding
 * @param weightsCacheDir where the official ImageNet files are cached (empty: Keras' ~/.keras/models)
 * @param allowDownload whether a missing ImageNet file may be downloaded
 * @param foldBatchNorm fold BatchNorms into convolutions at load time (same numbers, faster)
 * @param weightsSha256 the SHA-256 the weights file (or TorchScript file) must have; empty: not checked
 * @param remoteWeightsCacheDir where weights read from a Hadoop URI are copied on each node; empty: the default
 *                              ({@link io.xceptionspark.weights.RemoteWeightsCache#defaultDir()})
 * @param precision what the built-in network computes in: float32 (Keras-exact) or bfloat16
 */
public record ModelSpec(
        String architecture,
        boolean includeTop,
        String pooling,
        int classes,
        String classifierActivation,
        int inputHeight,
        int inputWidth,
        String weights,
        long seed,
        String torchScriptPath,
        String torchScriptOutputs,
        String weightsCacheDir,
        boolean allowDownload,
        boolean foldBatchNorm,
        String weightsSha256,
        String remoteWeightsCacheDir,
        Precision precision) implements Serializable {

    private static final long serialVersionUID = 1L;
    public static final String XCEPTION = "xception";
    public static final String TORCHSCRIPT = "torchscript";
    /** Every architecture value, as messages list them. */
    public static final String ARCHITECTURES = "xception, xception41, xception65, xception71 or torchscript";

    /** A spec whose weights file is not checksum-checked and is copied to the default cache when remote. */
    public ModelSpec(String architecture, boolean includeTop, String pooling, int classes, String classifierActivation,
                     int inputHeight, int inputWidth, String weights, long seed, String torchScriptPath,
                     String torchScriptOutputs, String weightsCacheDir, boolean allowDownload, boolean foldBatchNorm) {
        this(architecture, includeTop, pooling, classes, classifierActivation, inputHeight, inputWidth, weights, seed,
                torchScriptPath, torchScriptOutputs, weightsCacheDir, allowDownload, foldBatchNorm, "", "");
    }

    /** A float32 spec. */
    public ModelSpec(String architecture, boolean includeTop, String pooling, int classes, String classifierActivation,
                     int inputHeight, int inputWidth, String weights, long seed, String torchScriptPath,
                     String torchScriptOutputs, String weightsCacheDir, boolean allowDownload, boolean foldBatchNorm,
                     String weightsSha256, String remoteWeightsCacheDir) {
        this(architecture, includeTop, pooling, classes, classifierActivation, inputHeight, inputWidth, weights, seed,
                torchScriptPath, torchScriptOutputs, weightsCacheDir, allowDownload, foldBatchNorm, weightsSha256,
                remoteWeightsCacheDir, Precision.FLOAT32);
    }

    public ModelSpec {
        weightsSha256 = weightsSha256 == null ? "" : weightsSha256.strip().toLowerCase(Locale.ROOT);
        remoteWeightsCacheDir = remoteWeightsCacheDir == null ? "" : remoteWeightsCacheDir.strip();
        architecture = architecture.trim().toLowerCase(Locale.ROOT);
        if (!isArchitecture(architecture)) {
            throw new IllegalArgumentException("model architecture must be " + ARCHITECTURES + " (got '"
                    + architecture + "')");
        }
        if (architecture.equals(TORCHSCRIPT) && (torchScriptPath == null || torchScriptPath.isBlank())) {
            throw new IllegalArgumentException("architecture torchscript needs a model file: set the TorchScript path"
                    + " (--model FILE.pt)");
        }
        precision = precision == null ? Precision.FLOAT32 : precision;
        if (architecture.equals(TORCHSCRIPT) && precision != Precision.FLOAT32) {
            throw new IllegalArgumentException("precision " + precision.configName() + " applies to the built-in"
                    + " xception network only: a TorchScript model computes in the dtype it was saved with. Set"
                    + " precision float32 (or convert the model itself to bfloat16 before saving it)");
        }
        OutputLayout.parseTorchScript(torchScriptOutputs);
        if (!architecture.equals(TORCHSCRIPT)) {
            options(includeTop, pooling, classes, classifierActivation, inputHeight, inputWidth);
        }
    }

    /** The Keras options of the built-in network (validates them). */
    public XceptionOptions xceptionOptions() {
        return options(includeTop, pooling, classes, classifierActivation, inputHeight, inputWidth);
    }

    // Static so the compact constructor can validate its parameters (fields are not assigned yet there).
    private static XceptionOptions options(boolean includeTop, String pooling, int classes, String activation,
                                           int height, int width) {
        return new XceptionOptions(includeTop, Pooling.parse(pooling), classes, ClassifierActivation.parse(activation),
                height, width);
    }

    public boolean isTorchScript() {
        return architecture.equals(TORCHSCRIPT);
    }

    /** Whether {@code name} (trimmed, any case) is an architecture this project builds or loads. */
    public static boolean isArchitecture(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.equals(XCEPTION) || n.equals(TORCHSCRIPT) || AlignedXception.byId(n) != null;
    }

    /** The timm aligned Xception this spec builds, or null (Keras' xception, TorchScript). */
    public AlignedXception timmVariant() {
        return AlignedXception.byId(architecture);
    }

    /** The Keras defaults with the given weights: include_top, 1000 classes, softmax, 299x299, folded. */
    public static ModelSpec xception(String weights) {
        return new ModelSpec(XCEPTION, true, "avg", XceptionOptions.IMAGENET_CLASSES, "softmax", 299, 299, weights,
                0L, "", "logits,embedding", "", false, true);
    }

    /** timm's aligned {@code xception41/65/71} with its 1000-class head, the given weights, 299x299, folded. */
    public static ModelSpec timm(String architecture, String weights) {
        return new ModelSpec(architecture, true, "avg", XceptionOptions.IMAGENET_CLASSES, "softmax", 299, 299, weights,
                0L, "", "logits,embedding", "", false, true);
    }

    /** A TorchScript model following the contract, with its declared outputs. */
    public static ModelSpec torchScript(String path, String outputs, int height, int width) {
        return new ModelSpec(TORCHSCRIPT, true, "avg", XceptionOptions.IMAGENET_CLASSES, "softmax", height, width,
                "none", 0L, path, outputs, "", false, true);
    }

    public ModelSpec withFoldBatchNorm(boolean fold) {
        return new ModelSpec(architecture, includeTop, pooling, classes, classifierActivation, inputHeight, inputWidth,
                weights, seed, torchScriptPath, torchScriptOutputs, weightsCacheDir, allowDownload, fold,
                weightsSha256, remoteWeightsCacheDir);
    }

    public ModelSpec withWeights(String newWeights) {
        return new ModelSpec(architecture, includeTop, pooling, classes, classifierActivation, inputHeight, inputWidth,
                newWeights, seed, torchScriptPath, torchScriptOutputs, weightsCacheDir, allowDownload, foldBatchNorm,
                weightsSha256, remoteWeightsCacheDir, precision);
    }

    public ModelSpec withPrecision(Precision newPrecision) {
        return new ModelSpec(architecture, includeTop, pooling, classes, classifierActivation, inputHeight, inputWidth,
                weights, seed, torchScriptPath, torchScriptOutputs, weightsCacheDir, allowDownload, foldBatchNorm,
                weightsSha256, remoteWeightsCacheDir, newPrecision);
    }
}
