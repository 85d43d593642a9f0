package io.xceptionspark.inference;

import io.xceptionspark.model.AlignedXception;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The registry of networks this project builds or loads, one entry each (as timm registers each model
 * once): the {@code model.architecture} values.
 */
public enum Architecture {
    /** Keras' {@code keras.applications.Xception}, built in; Keras .h5 weights. */
    XCEPTION("xception", null),
    /** timm's aligned xception41, built in; timm model.safetensors weights. */
    XCEPTION41("xception41", AlignedXception.XCEPTION41),
    XCEPTION65("xception65", AlignedXception.XCEPTION65),
    XCEPTION71("xception71", AlignedXception.XCEPTION71),
    /** A user TorchScript file under the scorer's contract (its network is whatever the file holds). */
    TORCHSCRIPT("torchscript", null);

    /** Every architecture value, as messages list them: {@code xception, ..., xception71 or torchscript}. */
    public static final String NAMES = Arrays.stream(values()).limit(values().length - 1L).map(Architecture::id)
            .collect(Collectors.joining(", ")) + " or " + values()[values().length - 1].id;

    private final String id;
    private final AlignedXception aligned;

    Architecture(String id, AlignedXception aligned) {
        this.id = id;
        this.aligned = aligned;
    }

    /** The configuration spelling, e.g. {@code xception65}. */
    public String id() {
        return id;
    }

    /** timm's aligned variant this entry builds, or null (Keras' xception, TorchScript). */
    public AlignedXception aligned() {
        return aligned;
    }

    public boolean isTorchScript() {
        return this == TORCHSCRIPT;
    }

    /** A network this project builds itself (so its head options and precision apply). */
    public boolean isBuiltIn() {
        return this != TORCHSCRIPT;
    }

    /** The entry named so (trimmed, any case), or null. */
    public static Architecture byId(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.id.equals(n)) {
                return a;
            }
        }
        return null;
    }

    /** {@link #byId(String)}, failing with the list of values. */
    public static Architecture parse(String name) {
        Architecture a = byId(name);
        if (a == null) {
            throw new IllegalArgumentException("model.architecture must be " + NAMES + " (got '" + name + "')");
        }
        return a;
    }
}
