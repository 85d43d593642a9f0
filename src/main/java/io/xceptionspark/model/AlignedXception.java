package io.xceptionspark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * timm's aligned Xceptions ({@code timm/models/xception_aligned.py}, the DeepLab-v3+ "aligned" Xception):
 * the three variants differ only in their entry flow's strides and their middle flow's depth.
 *
 * <p>Every block is a timm {@code XceptionModule}: three separable convolutions with output channels
 * {@code (c1, c2, c3)}, the stride on the third one's depthwise convolution. Entry and middle blocks start
 * each separable convolution with a ReLU; the last exit block runs ReLUs inside them instead and has no
 * skip. Output stride 32 (timm's default), so every dilation is 1.
 */
public enum AlignedXception {
    XCEPTION41("xception41", List.of(entry(64, 128, 2), entry(128, 256, 2), entry(256, 728, 2)), 8),
    XCEPTION65("xception65", List.of(entry(64, 128, 2), entry(128, 256, 2), entry(256, 728, 2)), 16),
    XCEPTION71("xception71", List.of(entry(64, 128, 2), entry(128, 256, 1), entry(256, 256, 2),
            entry(256, 728, 1), entry(728, 728, 2)), 16);

    /** Channels of the middle flow. */
    static final int MIDDLE = 728;

    private final String id;
    private final List<Block> entryFlow;
    private final int middleBlocks;

    /**
     * One XceptionModule.
     *
     * @param out output channels of the three separable convolutions
     * @param stride stride of the third one (and of the projection shortcut)
     * @param startWithRelu ReLU before each separable convolution (false: ReLU after each BatchNorm inside)
     * @param skip whether the block adds its input (or its projection) to the result
     */
    record Block(int in, int[] out, int stride, boolean startWithRelu, boolean skip) {
        /** A projection shortcut (1x1 conv + BatchNorm) when the shape changes; else the identity. */
        boolean projects() {
            return skip && (out[2] != in || stride != 1);
        }

        int outChannels() {
            return out[2];
        }
    }

    AlignedXception(String id, List<Block> entryFlow, int middleBlocks) {
        this.id = id;
        this.entryFlow = entryFlow;
        this.middleBlocks = middleBlocks;
    }

    private static Block entry(int in, int out, int stride) {
        return new Block(in, new int[] {out, out, out}, stride, true, true);
    }

    /** timm's name, e.g. {@code xception65}. */
    public String id() {
        return id;
    }

    List<Block> entryFlow() {
        return entryFlow;
    }

    List<Block> middleFlow() {
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < middleBlocks; i++) {
            blocks.add(entry(MIDDLE, MIDDLE, 1));
        }
        return blocks;
    }

    /** exit1 (728 -> 728, 1024, 1024, stride 2) and exit2 (1024 -> 1536, 1536, 2048, no skip, inner ReLUs). */
    List<Block> exitFlow() {
        return List.of(new Block(MIDDLE, new int[] {728, 1024, 1024}, 2, true, true),
                new Block(1024, new int[] {1536, 1536, XceptionOptions.EMBEDDING_SIZE}, 1, false, false));
    }

    /**
     * Multiply-adds of one forward pass at {@code size x size} (convolutions and the classifier; folded
     * BatchNorms and ReLUs cost no multiply-adds). GFLOP = 2 x this / 1e9.
     */
    public long multiplyAdds(int size) {
        long macs = 0;
        int s = (size - 1) / 2 + 1;
        macs += (long) s * s * 32 * 3 * 9 + (long) s * s * 64 * 32 * 9; // stem
        List<Block> blocks = new ArrayList<>(entryFlow);
        blocks.addAll(middleFlow());
        blocks.addAll(exitFlow());
        for (Block b : blocks) {
            int in = b.in();
            int out = (s - 1) / b.stride() + 1;
            for (int i = 0; i < 3; i++) {
                int at = i == 2 ? out : s;
                macs += (long) at * at * in * 9 + (long) at * at * in * b.out()[i]; // depthwise + pointwise
                in = b.out()[i];
            }
            if (b.projects()) {
                macs += (long) out * out * b.in() * b.outChannels();
            }
            s = out;
        }
        return macs + (long) XceptionOptions.EMBEDDING_SIZE * XceptionOptions.IMAGENET_CLASSES;
    }

    /** The variant timm names so, or null. */
    public static AlignedXception byId(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (AlignedXception v : values()) {
            if (v.id.equals(n)) {
                return v;
            }
        }
        return null;
    }
}
