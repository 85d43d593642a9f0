package io.xceptionspark.weights;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * One published weights file: its cache file name, where Keras publishes it, and the MD5 Keras checks it
 * against (from keras/applications/xception.py). A value, so tests and mirrors can inject their own.
 */
public record OfficialWeights(String fileName, URI url, String md5) {

    /** Keras' base URL for the Xception files. */
    public static final String KERAS_BASE_URL =
            "https://storage.googleapis.com/tensorflow/keras-applications/xception/";

    /** Xception with its 1000-class top ({@code include_top=True}). */
    public static final OfficialWeights XCEPTION = of(KERAS_BASE_URL,
            "xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6");

    /** Xception without the top ({@code include_top=False}: features and pooled embeddings only). */
    public static final OfficialWeights XCEPTION_NOTOP = of(KERAS_BASE_URL,
            "xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97");

    public OfficialWeights {
        Objects.requireNonNull(url, "url");
        if (fileName == null || fileName.isBlank() || fileName.contains("/") || fileName.contains("\\")) {
            throw new IllegalArgumentException("fileName must be a plain file name: " + fileName);
        }
        if (md5 == null || !md5.matches("[0-9a-fA-F]{32}")) {
            throw new IllegalArgumentException("md5 must be 32 hex digits: " + md5);
        }
        md5 = md5.toLowerCase(Locale.ROOT);
    }

    /** The file {@code fileName} under {@code baseUrl} (a trailing slash is added if missing). */
    public static OfficialWeights of(String baseUrl, String fileName, String md5) {
        String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        return new OfficialWeights(fileName, URI.create(base + fileName), md5);
    }

    /** The same file from a mirror: same name and MD5, another base URL. */
    public OfficialWeights withBaseUrl(String baseUrl) {
        return of(baseUrl, fileName, md5);
    }
}
