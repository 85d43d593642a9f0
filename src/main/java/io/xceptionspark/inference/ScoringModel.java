package io.xceptionspark.inference;

import ai.djl.Model;
import ai.djl.inference.Predictor;

/**
 * A loaded model ready to score batches: the DJL model (shared, read-only after loading, so one per
 * JVM serves every task thread), where its outputs sit, and what it is. Each thread takes its own
 * {@link Predictor} from {@link #newPredictor()} and closes it when done.
 */
public final class ScoringModel implements AutoCloseable {
    private final Model model;
    private final OutputLayout layout;
    private final ModelIdentity identity;
    private final int inputHeight;
    private final int inputWidth;
    private final int classes;
    private final int embeddingSize;

    ScoringModel(Model model, OutputLayout layout, ModelIdentity identity, int inputHeight, int inputWidth,
                 int classes, int embeddingSize) {
        this.model = model;
        this.layout = layout;
        this.identity = identity;
        this.inputHeight = inputHeight;
        this.inputWidth = inputWidth;
        this.classes = classes;
        this.embeddingSize = embeddingSize;
    }

    public Predictor<ImageBatch, BatchOutput> newPredictor() {
        return model.newPredictor(new BatchTranslator(layout));
    }

    public ModelIdentity identity() {
        return identity;
    }

    public OutputLayout layout() {
        return layout;
    }

    public int inputHeight() {
        return inputHeight;
    }

    public int inputWidth() {
        return inputWidth;
    }

    /** Classifier width, or 0 without logits. */
    public int classes() {
        return classes;
    }

    /** Embedding width, or 0 without an embedding. */
    public int embeddingSize() {
        return embeddingSize;
    }

    /** The same loaded model whose identity also carries the weights file's full SHA-256. */
    ScoringModel withWeightsSha256(String sha256) {
        return new ScoringModel(model, layout, identity.withWeightsSha256(sha256), inputHeight, inputWidth, classes,
                embeddingSize);
    }

    @Override
    public void close() {
        model.close();
    }
}
