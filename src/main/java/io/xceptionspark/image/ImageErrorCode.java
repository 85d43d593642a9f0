package io.xceptionspark.image;

/**
 * Why an image could not be prepared. The names are stable: they are written to the output
 * (Parquet) and users filter on them, so never rename one.
 */
public enum ImageErrorCode {
    /** The file has no bytes. */
    EMPTY,
    /** The bytes are not a format we decode, whatever the extension; the message names the format if it was recognised. */
    UNSUPPORTED_FORMAT,
    /** A known format using a feature the codecs cannot decode (e.g. 12-bit or lossless JPEG). */
    UNSUPPORTED,
    /** The file is damaged: truncated, malformed header, zero width, or the codec failed on it. */
    CORRUPT,
    /** The file or its declared pixel count exceeds the configured limits (checked before decoding). */
    TOO_LARGE,
    /** Decoding took longer than the configured decode timeout; the decoder was aborted. */
    TIMEOUT
}
