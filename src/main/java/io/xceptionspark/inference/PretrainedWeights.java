package io.xceptionspark.inference;

import io.xceptionspark.weights.Checksums;
import java.io.Serializable;
import java.util.Locale;

/**
 * Which weights a model runs, and at what input size (timm's {@code pretrained_cfg}: the checkpoint and its
 * {@code input_size}; the rest of it, interpolation, crop and mean/std, is the preprocessing's). Where a file is
 * cached or whether it may be downloaded is {@link WeightsFetch}'s business, not this one's.
 *
 * @param weights {@code none} (seeded random), {@code imagenet} (Keras' official file), or the path/URI of a Keras
 *                .h5 file (a timm {@code model.safetensors} for xception41/65/71); unused by TorchScript
 * @param sha256 the SHA-256 the weights (or TorchScript) file must have; empty: not checked
 * @param seed seed of the random initialisation when weights is none (0: the default seed)
 * @param torchScriptPath the .pt file when the architecture is torchscript, else empty
 * @param torchScriptOutputs what that file returns: logits,embedding | logits | embedding
 * @param inputHeight network input rows
 * @param inputWidth network input columns
 */
public record PretrainedWeights(String weights, String sha256, long seed, String torchScriptPath,
                                String torchScriptOutputs, int inputHeight, int inputWidth) implements Serializable {
    private static final long serialVersionUID = 1L;

    public PretrainedWeights {
        weights = weights == null ? "" : weights.strip();
        sha256 = parseSha256(sha256);
        torchScriptPath = torchScriptPath == null ? "" : torchScriptPath.strip();
        torchScriptOutputs = torchScriptOutputs == null ? "" : torchScriptOutputs.strip();
        OutputLayout.parseTorchScript(torchScriptOutputs);
    }

    /** A {@code model.weights-sha256} value: 64 hexadecimal digits (any case, made lower-case) or empty. */
    public static String parseSha256(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (!v.isEmpty() && !Checksums.isSha256(v)) {
            throw new IllegalArgumentException("must be a SHA-256: 64 hexadecimal digits (e.g. from sha256sum), or"
                    + " empty");
        }
        return v;
    }

    /** The given weights (path, URI, imagenet or none) at 299x299, unchecked, seeded by default. */
    public static PretrainedWeights of(String weights) {
        return new PretrainedWeights(weights, "", 0L, "", "", 299, 299);
    }

    /** A TorchScript file with its declared outputs and input size. */
    public static PretrainedWeights torchScript(String path, String outputs, int height, int width) {
        return new PretrainedWeights("none", "", 0L, path, outputs, height, width);
    }

    /** These, with other weights (the same checksum rule, seed, size). */
    public PretrainedWeights withWeights(String newWeights) {
        return new PretrainedWeights(newWeights, sha256, seed, torchScriptPath, torchScriptOutputs, inputHeight,
                inputWidth);
    }
}
