"""Makes the bfloat16 Xception program: src/main/resources/io/xceptionspark/model/xception_bf16.pt.

The program is TorchScript code only, no weights. The Java side (io.xceptionspark.model.Bfloat16Xception)
loads it through DJL and calls load() once with the float32, BatchNorm-folded weights its own float32
network computed (XceptionNetwork.foldedWeights(), in that order); load() keeps channels-last
copies (bfloat16 where forward() computes in it). forward() takes and returns float32 tensors, because DJL's JNI has no bfloat16 mapping.

Run by scripts/make-bf16-program.sh (Debian's python3-torch); never at run time.
"""
import sys
from typing import List

import torch
import torch.nn.functional as F
from torch import Tensor

# pooling codes (Java: Bfloat16Xception): 0 none, 1 avg, 2 max


# The first 17 folded tensors stay float32 (see forward): blocks 1-2 (12), block 3 shortcut (2) and sepconv1 (3).


def _depthwise_indices() -> List[int]:
    """The depthwise kernels' positions in load()'s list (they stay float32 everywhere, see forward)."""
    out: List[int] = []
    k = 4  # block1: two convolutions (weight, bias)
    for b in range(3):  # blocks 2-4: shortcut (2), two separables (3 each)
        out.append(k + 2)
        out.append(k + 5)
        k += 8
    for s in range(24):  # middle flow: 8 blocks x 3 separables
        out.append(k)
        k += 3
    out.append(k + 2)  # block 13
    out.append(k + 5)
    k += 8
    out.append(k)  # block 14
    out.append(k + 3)
    return out


class XceptionBf16(torch.nn.Module):
    w: List[Tensor]

    def __init__(self):
        super().__init__()
        self.w = []
        self.dense_weight = torch.zeros(0)
        self.dense_bias = torch.zeros(0)
        self.include_top = False
        self.pooling = 1
        self.softmax = True

    @torch.jit.export
    def load(self, folded: List[Tensor], dense: List[Tensor], pooling: int, softmax: bool) -> int:
        """folded: per unit, in forward order, conv (weight, bias) or separable (depthwise, pointwise
        [O, I], bias). dense: the classifier (weight [C, 2048], bias [C]) in float32, or empty."""
        converted: List[Tensor] = []
        depthwise = _depthwise_indices()
        for k, t in enumerate(folded):
            # clone: DJL's tensors may wrap Java-owned buffers that are freed once the float32 model closes
            t = t.detach().clone()
            if t.dim() == 2:  # a pointwise matrix becomes a 1x1 convolution weight
                t = t.reshape(t.size(0), t.size(1), 1, 1)
            if k >= 17 and k not in depthwise:  # see forward: what stays float32
                t = t.to(torch.bfloat16)
            if t.dim() == 4:
                t = t.contiguous(memory_format=torch.channels_last)
            else:
                t = t.contiguous()
            converted.append(t)
        self.w = converted
        self.include_top = len(dense) == 2
        if self.include_top:
            self.dense_weight = dense[0].detach().clone()
            self.dense_bias = dense[1].detach().clone()
        self.pooling = pooling
        self.softmax = softmax
        return len(converted)

    def _conv(self, x: Tensor, i: int, stride: int) -> Tensor:
        """A convolution in its weights' dtype (the input is cast to it), returning float32."""
        w = self.w[i]
        return F.conv2d(x.to(w.dtype), w, self.w[i + 1].to(w.dtype), stride).float()

    def _sep(self, x: Tensor, i: int) -> Tensor:
        """Depthwise 3x3 in float32 on the float32 input, then the pointwise 1x1 in its weights' dtype."""
        dw = self.w[i]
        x = F.conv2d(x, dw, None, 1, 1, 1, dw.size(0))
        pw = self.w[i + 1]
        return F.conv2d(x.to(pw.dtype), pw, self.w[i + 2].to(pw.dtype)).float()

    def _same_pool(self, x: Tensor) -> Tensor:
        # TF 'same' 3x3/2 max-pooling, as SameMaxPool: padding 1 on odd sides, ceil mode on even ones
        return F.max_pool2d(x, 3, 2, [x.size(2) % 2, x.size(3) % 2], 1, True)

    def _residual(self, x: Tensor, i: int, relu_first: bool) -> Tensor:
        """A strided block on the float32 input x; returns the float32 sum."""
        shortcut = self._conv(x, i, 2)
        y = F.relu(x) if relu_first else x
        y = F.relu(self._sep(y, i + 2))
        y = self._same_pool(self._sep(y, i + 5))
        return y + shortcut

    def forward(self, x: Tensor) -> List[Tensor]:
        # Where the bfloat16 error comes from (measured on the golden fixture, docs/MODEL.md): every rounding
        # is amplified by the layers after it, so the early layers weigh most: the network up to block 3's
        # first separable convolution (15% of the work) runs in float32. After it, the pointwise 1x1 and the
        # shortcut convolutions (97% of the remaining multiply-adds) take bfloat16 inputs and weights
        # (oneDNN accumulates in float32). The depthwise 3x3s stay float32: 9 weights per output value
        # average no rounding away, and they are 1% of the work. Everything between convolutions (the
        # residual stream, ReLUs, pooling, the classifier) is float32: rounding there buys no speed.
        x = x.contiguous(memory_format=torch.channels_last)
        x = F.relu(self._conv(x, 0, 2))
        x = F.relu(self._conv(x, 2, 1))
        x = self._residual(x, 4, False)
        x = self._residual(x, 12, True)
        x = self._residual(x, 20, True)
        i = 28
        for b in range(8):
            y = x
            for j in range(3):
                y = self._sep(F.relu(y), i)
                i += 3
            x = x + y
        x = self._residual(x, i, True)
        i += 8
        x = F.relu(self._sep(x, i))
        x = F.relu(self._sep(x, i + 3))
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
    torch.jit.save(torch.jit.script(XceptionBf16()), out)
    print("wrote", out)
