package io.xceptionspark.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.nio.FloatBuffer;

/**
 * Moves a ready {@link ImageBatch} into a tensor and the model's outputs back into Java arrays. Image
 * decoding and preprocessing happen before (in the image package), so this stays a thin copy.
 */
final class BatchTranslator implements NoBatchifyTranslator<ImageBatch, BatchOutput> {
    private final OutputLayout layout;

    BatchTranslator(OutputLayout layout) {
        this.layout = layout;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, ImageBatch batch) {
        int floats = batch.size() * batch.floatsPerImage();
        NDArray input = ctx.getNDManager().create(FloatBuffer.wrap(batch.data(), 0, floats),
                new Shape(batch.size(), 3, batch.height(), batch.width()));
        return new NDList(input);
    }

    @Override
    public BatchOutput processOutput(TranslatorContext ctx, NDList outputs) {
        if (outputs.size() != layout.outputCount()) {
            throw new IllegalStateException("model returned " + outputs.size() + " outputs, declared "
                    + layout.describe());
        }
        float[][] logits = layout.hasLogits() ? rows(outputs.get(layout.logitsIndex())) : null;
        float[][] embeddings = layout.hasEmbedding() ? rows(outputs.get(layout.embeddingIndex())) : null;
        return new BatchOutput(logits, embeddings);
    }

    private static float[][] rows(NDArray array) {
        Shape shape = array.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalStateException("expected a [N, D] output, got " + shape);
        }
        int n = (int) shape.get(0);
        int d = (int) shape.get(1);
        float[] flat = array.toFloatArray();
        float[][] rows = new float[n][d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * d, rows[i], 0, d);
        }
        return rows;
    }
}
