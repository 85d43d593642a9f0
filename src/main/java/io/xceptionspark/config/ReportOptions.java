package io.xceptionspark.config;

/**
 * What the HTML report samples (keys {@code report.*}); its counts and charts always cover every row.
 *
 * @param sampleImages scored images shown in the gallery and the embedding map
 * @param thumbnailSize longest side of a thumbnail, in pixels
 * @param neighbourQueries sampled images whose nearest neighbours are listed
 * @param neighbours neighbours per query image
 */
public record ReportOptions(int sampleImages, int thumbnailSize, int neighbourQueries, int neighbours) {
    /** The bundled defaults (defaults.conf is their one definition). */
    public static ReportOptions defaults() {
        return new JobConfigLoader().load().report();
    }
}
