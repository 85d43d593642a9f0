package io.xceptionspark.inference;

import java.io.Serializable;

/**
 * Where weights files are fetched to and whether they may be downloaded: how to get the weights, never which
 * ones, so not part of what identifies a model ({@link ModelKey}).
 *
 * @param weightsCacheDir where Keras' official ImageNet files are cached (empty: Keras' ~/.keras/models)
 * @param remoteWeightsCacheDir where weights read from a Hadoop URI are copied on each node (empty: the default,
 *                              {@link io.xceptionspark.weights.RemoteWeightsCache#defaultDir()})
 * @param allowDownload whether a missing ImageNet file may be downloaded
 */
public record WeightsFetch(String weightsCacheDir, String remoteWeightsCacheDir, boolean allowDownload)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The default caches, no download. */
    public static final WeightsFetch DEFAULT = new WeightsFetch("", "", false);

    public WeightsFetch {
        weightsCacheDir = weightsCacheDir == null ? "" : weightsCacheDir.strip();
        remoteWeightsCacheDir = remoteWeightsCacheDir == null ? "" : remoteWeightsCacheDir.strip();
    }
}
