package io.xceptionspark.inference;

import io.xceptionspark.model.AlignedXception;
import io.xceptionspark.model.HeadOptions;
import io.xceptionspark.model.InputShape;
import io.xceptionspark.model.Precision;
import io.xceptionspark.model.RuntimeOptions;
import io.xceptionspark.model.XceptionOptions;
import java.io.Serializable;

/**
 * Everything needed to load the scoring model, as a small immutable value shipped from the driver to every
 * executor, in the parts timm keeps apart: which network ({@link Architecture} and its {@link HeadOptions}),
 * which weights at which input size ({@link PretrainedWeights}), how it runs ({@link RuntimeOptions}) and how
 * its files are fetched ({@link WeightsFetch}). The rules that tie the parts together are checked here, once;
 * {@link ModelCache} shares one loaded model between specs that compute the same numbers ({@link ModelKey}).
 */
public record ModelSpec(Architecture architecture, HeadOptions head, PretrainedWeights pretrained,
                        RuntimeOptions runtime, WeightsFetch fetch) implements Serializable {
    private static final long serialVersionUID = 2L;

    public ModelSpec {
        if (architecture == null || head == null || pretrained == null) {
            throw new IllegalArgumentException("a model needs its architecture, head options and weights");
        }
        runtime = runtime == null ? RuntimeOptions.DEFAULT : runtime;
        fetch = fetch == null ? WeightsFetch.DEFAULT : fetch;
        if (architecture.isTorchScript()) {
            if (pretrained.torchScriptPath().isBlank()) {
                throw new IllegalArgumentException("model.architecture = torchscript needs the model file: set"
                        + " model.torchscript (or --model FILE.pt).");
            }
            if (runtime.precision() != Precision.FLOAT32) {
                throw new IllegalArgumentException("model.precision = " + runtime.precision().configName()
                        + " applies to the built-in xception networks only: a TorchScript model computes in the dtype"
                        + " it was saved with. Set model.precision = float32 (--precision float32), or convert the"
                        + " model itself before saving it.");
            }
        } else {
            if (pretrained.weights().isBlank()) {
                throw new IllegalArgumentException("model.weights must be imagenet, none, or the path of a weights"
                        + " file");
            }
            try {
                InputShape.check(pretrained.inputHeight(), pretrained.inputWidth(), 3);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("model.input-height/input-width: " + e.getMessage(), e);
            }
        }
    }

    /** Keras' xception with the ImageNet head, the given weights, 299x299, float32 folded. */
    public static ModelSpec xception(String weights) {
        return new ModelSpec(Architecture.XCEPTION, HeadOptions.IMAGENET, PretrainedWeights.of(weights),
                RuntimeOptions.DEFAULT, WeightsFetch.DEFAULT);
    }

    /** timm's aligned {@code xception41/65/71} with its 1000-class head, the given weights, 299x299, folded. */
    public static ModelSpec timm(String architecture, String weights) {
        Architecture a = Architecture.parse(architecture);
        if (a.aligned() == null) {
            throw new IllegalArgumentException(architecture + " is not one of timm's aligned xceptions");
        }
        return new ModelSpec(a, HeadOptions.IMAGENET, PretrainedWeights.of(weights), RuntimeOptions.DEFAULT,
                WeightsFetch.DEFAULT);
    }

    /** A TorchScript model following the contract, with its declared outputs. */
    public static ModelSpec torchScript(String path, String outputs, int height, int width) {
        return new ModelSpec(Architecture.TORCHSCRIPT, HeadOptions.IMAGENET,
                PretrainedWeights.torchScript(path, outputs, height, width), RuntimeOptions.DEFAULT,
                WeightsFetch.DEFAULT);
    }

    /** This model with other weights (everything else kept). */
    public ModelSpec withWeights(String weights) {
        return new ModelSpec(architecture, head, pretrained.withWeights(weights), runtime, fetch);
    }

    /** This model with other head options. */
    public ModelSpec withHead(HeadOptions newHead) {
        return new ModelSpec(architecture, newHead, pretrained, runtime, fetch);
    }

    /** This model with other weights settings. */
    public ModelSpec withPretrained(PretrainedWeights newPretrained) {
        return new ModelSpec(architecture, head, newPretrained, runtime, fetch);
    }

    /** This model run otherwise (precision and folding given together, so neither is lost). */
    public ModelSpec withRuntime(RuntimeOptions newRuntime) {
        return new ModelSpec(architecture, head, pretrained, newRuntime, fetch);
    }

    /** This model in another precision (folding kept). */
    public ModelSpec withPrecision(Precision precision) {
        return withRuntime(new RuntimeOptions(precision, runtime.foldBatchNorm()));
    }

    /** This model fetched otherwise. */
    public ModelSpec withFetch(WeightsFetch newFetch) {
        return new ModelSpec(architecture, head, pretrained, runtime, newFetch);
    }

    /** The network input rows (what the scorer resizes images to). */
    public int inputHeight() {
        return pretrained.inputHeight();
    }

    /** The network input columns. */
    public int inputWidth() {
        return pretrained.inputWidth();
    }

    public Precision precision() {
        return runtime.precision();
    }

    public boolean isTorchScript() {
        return architecture.isTorchScript();
    }

    /** timm's aligned variant this spec builds, or null (Keras' xception, TorchScript). */
    public AlignedXception timmVariant() {
        return architecture.aligned();
    }

    /** What the model returns: logits and/or the pooled embedding. */
    public OutputLayout outputLayout() {
        return OutputLayout.of(architecture, head.includeTop(), pretrained.torchScriptOutputs());
    }

    /** The Keras options of a built-in network. */
    public XceptionOptions xceptionOptions() {
        return new XceptionOptions(head, inputHeight(), inputWidth());
    }
}
