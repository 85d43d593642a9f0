package io.xceptionspark.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Keras BatchNormalization in inference mode over channels, epsilon 1e-3 (Keras' default; PyTorch's
 * 1e-5 would shift every activation). Keras files store gamma, beta, moving_mean, moving_variance.
 */
final class BatchNormLayer extends KerasWeightedLayer {
    static final float EPSILON = 1e-3f;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;
    private final Parameter movingMean;
    private final Parameter movingVariance;

    BatchNormLayer(String kerasName, int channels) {
        super(kerasName);
        this.channels = channels;
        gamma = addParameter(parameter("gamma", Parameter.Type.GAMMA));
        beta = addParameter(parameter("beta", Parameter.Type.BETA));
        movingMean = addParameter(parameter("moving_mean", Parameter.Type.RUNNING_MEAN));
        movingVariance = addParameter(parameter("moving_variance", Parameter.Type.RUNNING_VAR));
    }

    @Override
    List<int[]> kerasShapes() {
        int[] shape = {channels};
        return List.of(shape, shape, shape, shape);
    }

    @Override
    void setFromKeras(List<float[]> kerasValues, NDManager manager) {
        assign(gamma, kerasValues.get(0), new Shape(channels), manager);
        assign(beta, kerasValues.get(1), new Shape(channels), manager);
        assign(movingMean, kerasValues.get(2), new Shape(channels), manager);
        assign(movingVariance, kerasValues.get(3), new Shape(channels), manager);
    }

    @Override
    void initialiseRandom(SplittableRandom random, NDManager manager) {
        assign(gamma, filled(channels, 1f), new Shape(channels), manager);
        assign(beta, filled(channels, 0f), new Shape(channels), manager);
        assign(movingMean, filled(channels, 0f), new Shape(channels), manager);
        assign(movingVariance, filled(channels, 1f), new Shape(channels), manager);
    }

    /**
     * The per-channel affine map this layer applies, y = scale * x + shift, computed in double:
     * scale = gamma / sqrt(var + eps), shift = beta - mean * scale. Used to fold it into a convolution.
     */
    float[][] scaleAndShift() {
        float[] g = gamma.getArray().toFloatArray();
        float[] b = beta.getArray().toFloatArray();
        float[] m = movingMean.getArray().toFloatArray();
        float[] v = movingVariance.getArray().toFloatArray();
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            double s = g[c] / Math.sqrt((double) v[c] + EPSILON);
            scale[c] = (float) s;
            shift[c] = (float) (b[c] - m[c] * s);
        }
        return new float[][] {scale, shift};
    }

    @Override
    NDArray apply(NDArray input) {
        return BatchNorm.batchNorm(input, movingMean.getArray(), movingVariance.getArray(), gamma.getArray(),
                beta.getArray(), 1, 0.99f, EPSILON, false).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
