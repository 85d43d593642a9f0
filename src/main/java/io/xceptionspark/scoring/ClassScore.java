package io.xceptionspark.scoring;

/**
 * One entry of an image's top-k: class index, WordNet id and label (null when the model's classes are not
 * the ImageNet-1k ones), and the softmax probability.
 */
public record ClassScore(int classIndex, String wnid, String label, float probability) {}
