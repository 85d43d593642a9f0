package io.xceptionspark.cli;

import io.xceptionspark.config.JobConfigLoader;
import picocli.CommandLine.Option;

/** The model and preprocessing flags both subcommands take, and the keys they set. */
final class ModelOptions {
    @Option(names = "--weights", paramLabel = "W", description = "imagenet, none, or a Keras .h5 (timm"
            + " model.safetensors for xception41/65/71) file (path, Hadoop URI"
            + " such as hdfs://..., or spark-files:NAME for a file shipped with --files): model.weights.")
    String weights;

    @Option(names = "--architecture", paramLabel = "A", description = "xception, xception41, xception65, xception71"
            + " (timm's aligned Xceptions, weights from a timm model.safetensors) or torchscript:"
            + " model.architecture.")
    String architecture;

    @Option(names = "--model", paramLabel = "FILE.pt", description = "A TorchScript model instead of the built-in"
            + " Xception: model.architecture = torchscript, model.torchscript = FILE.pt.")
    String torchscript;

    @Option(names = "--precision", paramLabel = "P", description = "float32 (Keras-exact, the default) or bfloat16"
            + " (about twice as fast on CPUs with avx512_bf16 / amx_bf16; built-in network only): model.precision.")
    String precision;

    @Option(names = "--resize", paramLabel = "POLICY", description = "crop or squash: preprocess.resize.")
    String resize;

    void apply(JobConfigLoader loader) {
        ConfigOptions.setIf(loader, "model.weights", weights);
        ConfigOptions.setIf(loader, "model.architecture", architecture);
        if (torchscript != null) {
            loader.set("model.architecture", "torchscript").set("model.torchscript", torchscript);
        }
        ConfigOptions.setIf(loader, "preprocess.resize", resize);
        ConfigOptions.setIf(loader, "model.precision", precision);
    }
}
