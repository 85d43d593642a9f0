package io.xceptionspark.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;

/**
 * One tensor of a network as a PyTorch state_dict names it (e.g. {@code blocks.3.stack.conv1.conv_dw.weight}),
 * the parameter that holds it, and its shape in PyTorch layout (OIHW kernels, [out, in] linear weights).
 */
public record TorchWeight(String key, Parameter parameter, Shape shape) {
    /** Whether this is a learned parameter (BatchNorm running statistics are not). */
    public boolean learned() {
        return parameter.getType() != Parameter.Type.RUNNING_MEAN && parameter.getType() != Parameter.Type.RUNNING_VAR;
    }
}
