package io.xceptionspark.inference;

/**
 * What one forward pass gave for a batch: per image the class logits and/or the pooled embedding
 * (null when the model does not produce them).
 */
public record BatchOutput(float[][] logits, float[][] embeddings) {}
