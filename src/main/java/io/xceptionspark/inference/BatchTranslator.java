package io.xceptionspark.inference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import ai.djl.ndarray.types.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Moves a ready {@link ImageBatch} into a tensor and the model's outputs back into Java arrays. Image
 * decoding and preprocessing happen before (in the image package), so this stays a thin copy.
 *
 * <p>One translator serves one predictor (one thread). The input goes through a reused direct buffer
 * that the tensor wraps without a further copy: handing DJL a heap array makes it allocate a fresh
 * direct buffer per batch, which is only freed when the Java GC happens to run, so resident memory
 * climbed by a batch's size on every forward pass.
 */
final class BatchTranslator implements NoBatchifyTranslator<ImageBatch, BatchOutput> {
    private final OutputLayout layout;
    private ByteBuffer staging = ByteBuffer.allocateDirect(0);

    BatchTranslator(OutputLayout layout) {
        this.layout = layout;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, ImageBatch batch) {
        int floats = batch.size() * batch.floatsPerImage();
        if (staging.capacity() < floats * Float.BYTES) {
            staging = ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder());
        }
        // The previous batch's tensor was closed with its predict() call, so the buffer is free to reuse.
        staging.clear();
        staging.asFloatBuffer().put(batch.data(), 0, floats);
        staging.limit(floats * Float.BYTES);
        NDArray input = ctx.getNDManager().create(staging, new Shape(batch.size(), 3, batch.height(), batch.width()),
                DataType.FLOAT32);
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
