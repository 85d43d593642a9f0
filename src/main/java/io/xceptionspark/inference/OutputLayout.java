package io.xceptionspark.inference;

import io.xceptionspark.model.NetworkOutput;
import java.util.Locale;

/**
 * Where logits and embedding sit in a model's output list. The built-in Xception returns
 * (embedding, logits, predictions); a TorchScript model declares one of the contract's layouts.
 *
 * @param logitsIndex index of the [N, C] logits, or -1
 * @param embeddingIndex index of the [N, D] embedding, or -1
 * @param outputCount how many outputs the model returns
 */
public record OutputLayout(int logitsIndex, int embeddingIndex, int outputCount) {

    public static final OutputLayout XCEPTION_WITH_TOP =
            new OutputLayout(NetworkOutput.LOGITS_INDEX, NetworkOutput.EMBEDDING_INDEX, 3);
    public static final OutputLayout XCEPTION_NOTOP = new OutputLayout(-1, NetworkOutput.EMBEDDING_INDEX, 1);

    /**
     * The TorchScript contract's declarations: {@code logits,embedding} (a tuple, the default),
     * {@code logits} alone or {@code embedding} alone.
     */
    public static OutputLayout parseTorchScript(String declaration) {
        String d = declaration == null ? "" : declaration.trim().toLowerCase(Locale.ROOT).replace(" ", "");
        return switch (d) {
            case "logits,embedding", "" -> new OutputLayout(0, 1, 2);
            case "logits" -> new OutputLayout(0, -1, 1);
            case "embedding" -> new OutputLayout(-1, 0, 1);
            default -> throw new IllegalArgumentException("TorchScript outputs must be one of 'logits,embedding'"
                    + " (a tuple, the default), 'logits' or 'embedding' (got '" + declaration + "')");
        };
    }

    /** What a model of this architecture returns: a built-in network's from include_top, TorchScript's as declared. */
    public static OutputLayout of(Architecture architecture, boolean includeTop, String torchScriptOutputs) {
        if (architecture.isTorchScript()) {
            return parseTorchScript(torchScriptOutputs);
        }
        return includeTop ? XCEPTION_WITH_TOP : XCEPTION_NOTOP;
    }

    public boolean hasLogits() {
        return logitsIndex >= 0;
    }

    public boolean hasEmbedding() {
        return embeddingIndex >= 0;
    }

    public String describe() {
        return hasLogits() && hasEmbedding() ? "(logits [N,C], embedding [N,D])"
                : hasLogits() ? "logits [N,C]" : "embedding [N,D]";
    }
}
