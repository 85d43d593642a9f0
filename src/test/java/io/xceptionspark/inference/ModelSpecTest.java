package io.xceptionspark.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xceptionspark.model.AlignedXception;
import io.xceptionspark.model.HeadOptions;
import io.xceptionspark.model.Pooling;
import io.xceptionspark.model.Precision;
import io.xceptionspark.model.RuntimeOptions;
import org.junit.jupiter.api.Test;

/** The model's parts, and the rules that tie them, checked in one place. */
class ModelSpecTest {
    @Test
    void changingOnePartKeepsTheOthers() {
        RuntimeOptions bf16Unfolded = new RuntimeOptions(Precision.BFLOAT16, false);
        WeightsFetch fetch = new WeightsFetch("/k", "/r", true);
        ModelSpec spec = ModelSpec.timm("xception65", "none").withRuntime(bf16Unfolded).withFetch(fetch)
                .withHead(HeadOptions.features(Pooling.MAX));
        ModelSpec other = spec.withWeights("/w/model.safetensors");
        assertEquals("/w/model.safetensors", other.pretrained().weights());
        assertEquals(bf16Unfolded, other.runtime(), "precision and folding kept");
        assertEquals(fetch, other.fetch());
        assertEquals(spec.head(), other.head());
        assertEquals(Architecture.XCEPTION65, other.architecture());
        assertEquals(new RuntimeOptions(Precision.FLOAT32, false), spec.withPrecision(Precision.FLOAT32).runtime(),
                "folding kept when the precision changes");
    }

    @Test
    void torchScriptNeedsItsFileAndFloat32() {
        IllegalArgumentException noFile = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.torchScript(" ", "logits", 224, 224));
        assertTrue(noFile.getMessage().contains("set model.torchscript"), noFile.getMessage());
        IllegalArgumentException bf16 = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.torchScript("m.pt", "logits", 224, 224).withPrecision(Precision.BFLOAT16));
        assertTrue(bf16.getMessage().contains("Set model.precision = float32"), bf16.getMessage());
    }

    @Test
    void builtInNetworksCheckTheirInputSizeAndWeights() {
        PretrainedWeights small = new PretrainedWeights("none", "", 0L, "", "", 70, 299);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.xception("none").withPretrained(small));
        assertTrue(e.getMessage().startsWith("model.input-height/input-width"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.xception(" "));
        // a TorchScript model takes the size it was traced for
        assertEquals(32, ModelSpec.torchScript("m.pt", "logits", 32, 32).inputHeight());
    }

    @Test
    void theRegistryNamesEveryNetworkOnce() {
        assertEquals("xception, xception41, xception65, xception71 or torchscript", Architecture.NAMES);
        assertEquals(Architecture.XCEPTION71, Architecture.parse(" XCEPTION71 "));
        assertEquals(AlignedXception.XCEPTION41, Architecture.XCEPTION41.aligned());
        assertNull(Architecture.XCEPTION.aligned());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architecture.parse("resnet"));
        assertTrue(e.getMessage().contains(Architecture.NAMES), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ModelSpec.timm("xception", "none"));
    }

    @Test
    void aChecksumIsSixtyFourHexDigits() {
        assertEquals("ab".repeat(32), new PretrainedWeights("w.h5", "AB".repeat(32), 0L, "", "", 299, 299).sha256());
        assertThrows(IllegalArgumentException.class, () -> new PretrainedWeights("w.h5", "abc", 0L, "", "", 299, 299));
    }

    @Test
    void theOutputLayoutFollowsTheHeadOrTheDeclaration() {
        assertEquals(OutputLayout.XCEPTION_WITH_TOP, ModelSpec.xception("none").outputLayout());
        assertEquals(OutputLayout.XCEPTION_NOTOP,
                ModelSpec.xception("none").withHead(HeadOptions.features(Pooling.AVG)).outputLayout());
        assertTrue(!ModelSpec.torchScript("m.pt", "embedding", 224, 224).outputLayout().hasLogits());
    }
}
