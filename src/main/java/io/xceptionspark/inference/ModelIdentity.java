package io.xceptionspark.inference;

/**
 * Which model produced a result, written beside every output row: the architecture and the weights it
 * ran with (source kind and a content checksum), e.g. {@code xception/keras-h5:sha256=0a1b2c3d4e5f}, or for
 * timm's networks, whose weights have one format, {@code timm/xception65:sha256=0a1b2c3d4e5f} (empty kind).
 *
 * @param weightsSha256 the full SHA-256 of the weights (or TorchScript) file; empty for random weights. Not part
 *                      of {@link #toString()}: the outputs' metadata records it.
 */
public record ModelIdentity(String architecture, String weightsKind, String weightsChecksum, String weightsSha256) {
    public ModelIdentity(String architecture, String weightsKind, String weightsChecksum) {
        this(architecture, weightsKind, weightsChecksum, "");
    }

    public ModelIdentity withWeightsSha256(String sha256) {
        return new ModelIdentity(architecture, weightsKind, weightsChecksum, sha256);
    }

    @Override
    public String toString() {
        return architecture + (weightsKind.isEmpty() ? "" : "/" + weightsKind)
                + (weightsChecksum.isEmpty() ? "" : ":" + weightsChecksum);
    }
}
