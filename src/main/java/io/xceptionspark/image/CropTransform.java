package io.xceptionspark.image;

/**
 * The geometry of a resize policy: the size an image is resized to, and the window of that
 * resized image that becomes the network input.
 *
 * @param resizeWidth  width after resizing
 * @param resizeHeight height after resizing
 * @param cropX        left edge of the window in the resized image
 * @param cropY        top edge of the window in the resized image
 * @param cropWidth    window width (= network input width)
 * @param cropHeight   window height (= network input height)
 */
public record CropTransform(int resizeWidth, int resizeHeight, int cropX, int cropY, int cropWidth, int cropHeight) {

    /**
     * The plan for an image of {@code width x height} under {@code config}.
     *
     * <p>{@link ResizePolicy#CROP} follows timm/PIL's evaluation transform for a square target of
     * size {@code S}: {@code s = floor(S / crop_pct)}; {@code (nw, nh) = (s, round(h*s/w))} if
     * {@code w <= h} else {@code (round(w*s/h), s)}; crop at {@code (round((nw-S)/2), round((nh-S)/2))};
     * {@code round} is Python's, half to even. A non-square target {@code H x W} generalises this:
     * the image is scaled (keeping its aspect ratio) to just cover
     * {@code floor(H/crop_pct) x floor(W/crop_pct)}, then centre-cropped to {@code H x W}.
     *
     * <p>{@link ResizePolicy#SQUASH} resizes straight to {@code H x W} (no crop).
     */
    public static CropTransform plan(int width, int height, PreprocessConfig config) {
        int targetW = config.width();
        int targetH = config.height();
        if (config.resize() == ResizePolicy.SQUASH) {
            return new CropTransform(targetW, targetH, 0, 0, targetW, targetH);
        }
        long scaledW = (long) Math.floor(targetW / config.cropPct());
        long scaledH = (long) Math.floor(targetH / config.cropPct());
        long nw;
        long nh;
        if ((long) width * scaledH <= (long) height * scaledW) {
            nw = scaledW;
            nh = Math.max(targetH, (long) Math.rint((double) ((long) height * scaledW) / width));
        } else {
            nh = scaledH;
            nw = Math.max(targetW, (long) Math.rint((double) ((long) width * scaledH) / height));
        }
        if (nw > Integer.MAX_VALUE / 4 || nh > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("image " + width + "x" + height + " is too elongated to resize");
        }
        int left = (int) Math.rint((nw - targetW) / 2.0);
        int top = (int) Math.rint((nh - targetH) / 2.0);
        return new CropTransform((int) nw, (int) nh, left, top, targetW, targetH);
    }

    /** Applies this plan to an image with PIL's resampling. */
    public RgbImage apply(RgbImage image, Interpolation interpolation) {
        return apply(PackedRgb.of(image), interpolation);
    }

    /** Applies this plan to a packed picture as it appears upright. */
    public RgbImage apply(PackedRgb image, Interpolation interpolation) {
        return PilResampler.resizeCropped(image, resizeWidth, resizeHeight, interpolation,
                cropX, cropY, cropWidth, cropHeight);
    }
}
