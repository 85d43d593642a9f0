package io.xceptionspark.inference;

/**
 * Which model produced a result, written beside every output row: the architecture and the weights it
 * ran with (source kind and a content checksum), e.g. {@code xception/keras-h5:sha256=0a1b2c3d4e5f}, or for
 * timm's networks, whose weights have one format, {@code timm/xception65:sha256=0a1b2c3d4e5f} (empty kind).
 */
public record ModelIdentity(String architecture, String weightsKind, String weightsChecksum) {
    @Override
    public String toString() {
        return architecture + (weightsKind.isEmpty() ? "" : "/" + weightsKind)
                + (weightsChecksum.isEmpty() ? "" : ":" + weightsChecksum);
    }
}
