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
from typing import Final, List, Optional

import torch
import torch.nn.functional as F
from torch import Tensor

# pooling codes: 0 none, 1 avg, 2 max


class XceptionProgram(torch.nn.Module):
    # The op table: FIELDS ints per op, kept in step with io.xceptionspark.model.NetworkProgram.
    FIELDS: Final[int] = 6
    # op codes (field 0)
    CONV: Final[int] = 0     # x = conv2d(x, w[field 1], bias w[field 2] (none if -1), stride field 3,
                             #            padding field 4, depthwise if field 5 == 1, else groups 1)
    RELU: Final[int] = 1     # x = relu(x)
    SAVE: Final[int] = 2     # push x (a residual block's input)
    SWAP: Final[int] = 3     # exchange x and the top of the stack (after a projection shortcut on the saved input)
    ADD: Final[int] = 4      # x = x + pop()
    MAXPOOL: Final[int] = 5  # TF 'same' 3x3 stride-2 max-pooling (padding 1 on odd sides, ceil mode on even ones)
    BFLOAT16: Final[int] = 6  # in bfloat16 programs, everything after this op computes in bfloat16 (before: float32)

    w: List[Tensor]
    ops: List[int]

    def __init__(self):
        super().__init__()
        self.w = []
        self.ops = []
        self.dense_weight = torch.zeros(0)
        self.dense_bias = torch.zeros(0)
        self.include_top = False
        self.pooling = 1
        self.softmax = True
        self.bfloat16 = False

    @torch.jit.export
    def load(self, weights: List[Tensor], ops: List[int], dense: List[Tensor], pooling: int, softmax: bool,
             bfloat16: bool) -> int:
        """weights: the folded float32 tensors the ops index (convolution weights [O, I/groups, kh, kw] or
        pointwise matrices [O, I]; biases [O]). dense: the classifier (weight [C, 2048], bias [C]) or empty.
        Returns the number of ops (the caller checks it)."""
        if len(ops) % self.FIELDS != 0:
            raise RuntimeError("the op table takes " + str(self.FIELDS) + " ints per op")
        dtype = torch.float32
        converted: List[Tensor] = []
        for t in weights:
            converted.append(t)
        used = [False for _ in weights]
        for k in range(0, len(ops), self.FIELDS):
            code = ops[k]
            if code == self.CONV:
                wi = ops[k + 1]
                bi = ops[k + 2]
                # clone: DJL's tensors may wrap Java-owned buffers that are freed once the float32 model closes
                t = weights[wi].detach().clone()
                if t.dim() == 2:  # a pointwise matrix is a 1x1 convolution weight
                    t = t.reshape(t.size(0), t.size(1), 1, 1)
                groups = t.size(0) if ops[k + 5] == 1 else 1
                stride = ops[k + 3]
                padding = ops[k + 4]
                packed = t.to(dtype).contiguous().to_mkldnn()
                converted[wi] = torch.ops.aten.mkldnn_reorder_conv2d_weight(
                    packed, [padding, padding], [stride, stride], [1, 1], groups)
                used[wi] = True
                if bi >= 0:
                    converted[bi] = weights[bi].detach().clone().to(dtype).contiguous().to_mkldnn()
                    used[bi] = True
            elif code == self.BFLOAT16:
                if bfloat16:
                    dtype = torch.bfloat16
            elif code < 0 or code > self.BFLOAT16:
                raise RuntimeError("unknown op code " + str(code))
        if bfloat16 and dtype != torch.bfloat16:
            raise RuntimeError("a bfloat16 program needs a BFLOAT16 op (where bfloat16 starts)")
        for k in range(len(used)):
            if not used[k]:
                raise RuntimeError("weight " + str(k) + " is used by no op")
        self.w = converted
        self.ops = ops
        self.include_top = len(dense) == 2
        if self.include_top:
            self.dense_weight = dense[0].detach().clone()
            self.dense_bias = dense[1].detach().clone()
        self.pooling = pooling
        self.softmax = softmax
        self.bfloat16 = bfloat16
        return len(ops) // self.FIELDS

    def _conv(self, x: Tensor, k: int) -> Tensor:
        ops = self.ops
        w = self.w[ops[k + 1]]
        bias: Optional[Tensor] = None
        if ops[k + 2] >= 0:
            bias = self.w[ops[k + 2]]
        groups = x.size(1) if ops[k + 5] == 1 else 1
        return F.conv2d(x, w, bias, ops[k + 3], ops[k + 4], 1, groups)

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
        if self.pooling == 0:
            return [x.contiguous()]
        flat = x.flatten(2)
        embedding = flat.mean(2) if self.pooling == 1 else flat.amax(2)
        if not self.include_top:
            return [embedding]
        logits = F.linear(embedding, self.dense_weight, self.dense_bias)
        scores = torch.softmax(logits, 1) if self.softmax else logits.clone()
        return [embedding, logits, scores]


if __name__ == "__main__":
    out = sys.argv[1]
    torch.jit.save(torch.jit.script(XceptionProgram()), out)
    print("wrote", out)
