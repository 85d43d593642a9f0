"""Makes the network program: src/main/resources/io/xceptionspark/model/xception_program.pt.

One TorchScript program runs every built-in network (Keras' xception, timm's xception41/65/71) in float32 or
bfloat16 on oneDNN tensors. It holds no weights and no architecture: the Java side
(io.xceptionspark.model.NetworkProgram) calls load() once with the network's BatchNorm-folded float32 weights
and its op table, which the Java network writes in forward order (XceptionNetwork.program(),
AlignedXceptionNetwork.program()); forward() then interprets the table.

Why oneDNN tensors (Tensor.to_mkldnn): activations stay in oneDNN's blocked layout from the first convolution
to the last, and every convolution weight is reordered once, at load, into the layout its kernel reads. With
plain (even channels-last) tensors each convolution reorders its weight and converts its activations on every
call. Measured on an AMD EPYC with avx512_bf16, 1 thread, batch 1 (docs/PERFORMANCE.md): float32 ~13% and
bfloat16 ~25% faster than channels-last tensors.

In bfloat16, every op after the table's BFLOAT16 op computes in bfloat16 (oneDNN accumulates in float32) and
the ops before it in float32: Keras' network puts it first (the whole network in bfloat16, as a whole-network
bfloat16 model does), timm's after the stem. Pooling and the classifier run in float32 on the final map.
forward() takes and returns float32 tensors, because DJL's JNI has no bfloat16 type.

Run by scripts/make-program.sh (Debian's python3-torch); never at run time.
"""
import sys
from typing import Dict, Final, List, Optional

import torch
import torch.nn.functional as F
from torch import Tensor


class XceptionProgram(torch.nn.Module):
    # The op table, defined here and only here: FIELDS ints per op, its code then its arguments. The Java side
    # (io.xceptionspark.model.NetworkProgram) names ops and arguments and reads their numbers from layout() when
    # it loads the program, failing on any name this file does not define.
    FIELDS: Final[int] = 6
    # op codes (field 0)
    CONV: Final[int] = 0     # x = conv2d(x, weight, bias (none if -1), stride, padding, groups: channels if
                             #            depthwise == 1, else 1); weight and bias index load()'s weights
    RELU: Final[int] = 1     # x = relu(x)
    SAVE: Final[int] = 2     # push x (a residual block's input)
    SWAP: Final[int] = 3     # exchange x and the top of the stack (after a projection shortcut on the saved input)
    ADD: Final[int] = 4      # x = x + pop()
    MAXPOOL: Final[int] = 5  # TF 'same' 3x3 stride-2 max-pooling (padding 1 on odd sides, ceil mode on even ones)
    BFLOAT16: Final[int] = 6  # in bfloat16 programs, everything after this op computes in bfloat16 (before: float32)
    # CONV's arguments: their fields
    CONV_WEIGHT: Final[int] = 1
    CONV_BIAS: Final[int] = 2
    CONV_STRIDE: Final[int] = 3
    CONV_PADDING: Final[int] = 4
    CONV_DEPTHWISE: Final[int] = 5
    # what forward() does with the last map: load() takes them by name (Keras' pooling: none, avg, max)
    POOL_NONE: Final[int] = 0
    POOL_AVG: Final[int] = 1
    POOL_MAX: Final[int] = 2

    w: List[Tensor]
    ops: List[int]

    def __init__(self):
        super().__init__()
        self.w = []
        self.ops = []
        self.dense_weight = torch.zeros(0)
        self.dense_bias = torch.zeros(0)
        self.include_top = False
        self.pooling = self.POOL_AVG
        self.softmax = True
        self.bfloat16 = False

    @torch.jit.export
    def layout(self) -> Dict[str, int]:
        """The op table's layout: "fields" (ints per op), each op's code by name, each argument's field as
        "OP.argument". The Java side encodes its ops with these numbers (it defines none of them)."""
        return {"fields": self.FIELDS,
                "CONV": self.CONV, "RELU": self.RELU, "SAVE": self.SAVE, "SWAP": self.SWAP, "ADD": self.ADD,
                "MAXPOOL": self.MAXPOOL, "BFLOAT16": self.BFLOAT16,
                "CONV.weight": self.CONV_WEIGHT, "CONV.bias": self.CONV_BIAS, "CONV.stride": self.CONV_STRIDE,
                "CONV.padding": self.CONV_PADDING, "CONV.depthwise": self.CONV_DEPTHWISE}

    @torch.jit.export
    def load(self, weights: List[Tensor], ops: List[int], dense: List[Tensor], pooling: str, softmax: bool,
             bfloat16: bool) -> int:
        """weights: the folded float32 tensors the ops index (convolution weights [O, I/groups, kh, kw] or
        pointwise matrices [O, I]; biases [O]). dense: the classifier (weight [C, 2048], bias [C]) or empty.
        pooling: none, avg or max. Returns the number of ops (the caller checks it).

        Every weight reference is checked against the channels flowing through the table (each convolution
        takes the channels the op before it gives, a bias has one value per output channel, ADD joins maps
        of equal channels, each weight is used once), so an index out of step fails here, not in the numbers."""
        if pooling == "none":
            pool = self.POOL_NONE
        elif pooling == "avg":
            pool = self.POOL_AVG
        elif pooling == "max":
            pool = self.POOL_MAX
        else:
            raise RuntimeError("pooling must be none, avg or max, not " + pooling)
        if len(ops) % self.FIELDS != 0:
            raise RuntimeError("the op table takes " + str(self.FIELDS) + " ints per op")
        dtype = torch.float32
        converted: List[Tensor] = []
        for t in weights:
            converted.append(t)
        used = [False for _ in weights]
        channels = -1  # the current map's channels; the input's are those the first convolution takes
        stack: List[int] = []
        for k in range(0, len(ops), self.FIELDS):
            code = ops[k]
            at = "op " + str(k // self.FIELDS) + ": "
            if code == self.CONV:
                wi = ops[k + self.CONV_WEIGHT]
                bi = ops[k + self.CONV_BIAS]
                if wi < 0 or wi >= len(weights) or used[wi]:
                    raise RuntimeError(at + "weight " + str(wi) + " is missing or used twice")
                # clone: DJL's tensors may wrap Java-owned buffers that are freed once the float32 model closes
                t = weights[wi].detach().clone()
                if t.dim() == 2:  # a pointwise matrix is a 1x1 convolution weight
                    t = t.reshape(t.size(0), t.size(1), 1, 1)
                depthwise = ops[k + self.CONV_DEPTHWISE] == 1
                if t.dim() != 4 or (depthwise and t.size(1) != 1):
                    raise RuntimeError(at + "weight " + str(wi) + " of shape " + str(t.shape)
                                       + " is no " + ("depthwise " if depthwise else "") + "convolution weight")
                takes = t.size(0) if depthwise else t.size(1)
                if channels >= 0 and takes != channels:
                    raise RuntimeError(at + "weight " + str(wi) + " takes " + str(takes) + " channels, the map has "
                                       + str(channels))
                channels = t.size(0)
                groups = t.size(0) if depthwise else 1
                stride = ops[k + self.CONV_STRIDE]
                padding = ops[k + self.CONV_PADDING]
                packed = t.to(dtype).contiguous().to_mkldnn()
                converted[wi] = torch.ops.aten.mkldnn_reorder_conv2d_weight(
                    packed, [padding, padding], [stride, stride], [1, 1], groups)
                used[wi] = True
                if bi >= 0:
                    if bi >= len(weights) or used[bi] or weights[bi].shape != [channels]:
                        raise RuntimeError(at + "bias " + str(bi) + " is missing, used twice or not of shape ["
                                           + str(channels) + "]")
                    converted[bi] = weights[bi].detach().clone().to(dtype).contiguous().to_mkldnn()
                    used[bi] = True
            elif code == self.SAVE:
                stack.append(channels)
            elif code == self.SWAP or code == self.ADD:
                if len(stack) == 0:
                    raise RuntimeError(at + "nothing saved")
                top = stack.pop()
                if code == self.SWAP:
                    stack.append(channels)
                    channels = top
                elif top != channels:
                    raise RuntimeError(at + "adds a map of " + str(top) + " channels to one of " + str(channels))
            elif code == self.BFLOAT16:
                if bfloat16:
                    dtype = torch.bfloat16
            elif code != self.RELU and code != self.MAXPOOL:
                raise RuntimeError(at + "unknown op code " + str(code))
        if bfloat16 and dtype != torch.bfloat16:
            raise RuntimeError("a bfloat16 program needs a BFLOAT16 op (where bfloat16 starts)")
        if len(stack) != 0:
            raise RuntimeError(str(len(stack)) + " saved maps are never added")
        for k in range(len(used)):
            if not used[k]:
                raise RuntimeError("weight " + str(k) + " is used by no op")
        include_top = len(dense) == 2
        if include_top and (dense[0].dim() != 2 or dense[0].size(1) != channels):
            raise RuntimeError("the classifier of shape " + str(dense[0].shape) + " does not take the network's "
                               + str(channels) + " channels")
        self.w = converted
        self.ops = ops
        self.include_top = include_top
        if include_top:
            self.dense_weight = dense[0].detach().clone()
            self.dense_bias = dense[1].detach().clone()
        self.pooling = pool
        self.softmax = softmax
        self.bfloat16 = bfloat16
        return len(ops) // self.FIELDS

    def _conv(self, x: Tensor, k: int) -> Tensor:
        ops = self.ops
        w = self.w[ops[k + self.CONV_WEIGHT]]
        bias: Optional[Tensor] = None
        if ops[k + self.CONV_BIAS] >= 0:
            bias = self.w[ops[k + self.CONV_BIAS]]
        groups = x.size(1) if ops[k + self.CONV_DEPTHWISE] == 1 else 1
        return F.conv2d(x, w, bias, ops[k + self.CONV_STRIDE], ops[k + self.CONV_PADDING], 1, groups)

    def forward(self, x: Tensor) -> List[Tensor]:
        x = x.to_mkldnn()
        saved: List[Tensor] = []
        ops = self.ops
        for k in range(0, len(ops), self.FIELDS):
            code = ops[k]
            if code == self.CONV:
                x = self._conv(x, k)
            elif code == self.RELU:
                x = F.relu(x)
            elif code == self.SAVE:
                saved.append(x)
            elif code == self.SWAP:
                top = saved.pop()
                saved.append(x)
                x = top
            elif code == self.ADD:
                x = x + saved.pop()
            elif code == self.MAXPOOL:
                x = F.max_pool2d(x, 3, 2, [x.size(2) % 2, x.size(3) % 2], 1, True)
            elif self.bfloat16:  # BFLOAT16: the maps in flight change precision with the weights
                x = x.to_dense().to_mkldnn(torch.bfloat16)
                for i in range(len(saved)):
                    saved[i] = saved[i].to_dense().to_mkldnn(torch.bfloat16)
        # pooling and the classifier in float32: cheap, and it keeps the logits closest to float32
        x = x.to_dense().float()
        if self.pooling == self.POOL_NONE:
            return [x.contiguous()]
        flat = x.flatten(2)
        embedding = flat.mean(2) if self.pooling == self.POOL_AVG else flat.amax(2)
        if not self.include_top:
            return [embedding]
        logits = F.linear(embedding, self.dense_weight, self.dense_bias)
        scores = torch.softmax(logits, 1) if self.softmax else logits.clone()
        return [embedding, logits, scores]


if __name__ == "__main__":
    out = sys.argv[1]
    torch.jit.save(torch.jit.script(XceptionProgram()), out)
    print("wrote", out)
