package io.xceptionspark.model;

/** Names and positions of the network's outputs in the NDList a forward pass returns. */
public final class NetworkOutput {
    public static final String EMBEDDING = "embedding";
    public static final String LOGITS = "logits";
    public static final String PREDICTIONS = "predictions";
    public static final int EMBEDDING_INDEX = 0;
    public static final int LOGITS_INDEX = 1;
    public static final int PREDICTIONS_INDEX = 2;

    private NetworkOutput() {}
}
