"""Makes the bfloat16 Xception program: src/main/resources/io/xceptionspark/model/xception_bf16.pt.

The program is TorchScript code only, no weights. The Java side (io.xceptionspark.model.Bfloat16Xception)
loads it through DJL and calls load() once with the float32, BatchNorm-folded weights its own float32
network computed (XceptionNetwork.foldedWeights(), in that order); load() keeps bfloat16 channels-last
copies. forward() takes and returns float32 tensors, because DJL's JNI has no bfloat16 mapping.

Run by scripts/make-bf16-program.sh (Debian's python3-torch); never at run time.
"""
import sys
from typing import List

import torch
import torch.nn.functional as F
from torch import Tensor

# pooling codes (Java: Bfloat16Xception): 0 none, 1 avg, 2 max


# The first 17 folded tensors stay float32 (see forward): blocks 1-2 (12), block 3 shortcut (2) and sepconv1 (3).


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
        for k, t in enumerate(folded):
            # clone: DJL's tensors may wrap Java-owned buffers that are freed once the float32 model closes
            t = t.detach().clone()
            if t.dim() == 2:  # a pointwise matrix becomes a 1x1 convolution weight
                t = t.reshape(t.size(0), t.size(1), 1, 1)
            if k >= 17:  # the first 17 stay float32 (see forward)
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
        return F.conv2d(x, self.w[i], self.w[i + 1], stride)

    def _sep(self, x: Tensor, i: int) -> Tensor:
        dw = self.w[i]
        x = F.conv2d(x, dw, None, 1, 1, 1, dw.size(0))
        return F.conv2d(x, self.w[i + 1], self.w[i + 2])

    def _same_pool(self, x: Tensor) -> Tensor:
        # TF 'same' 3x3/2 max-pooling, as SameMaxPool: padding 1 on odd sides, ceil mode on even ones
        return F.max_pool2d(x, 3, 2, [x.size(2) % 2, x.size(3) % 2], 1, True)

    def _residual(self, x: Tensor, i: int, relu_first: bool) -> Tensor:
        """A strided block on the bfloat16 input x; returns the float32 sum."""
        shortcut = self._conv(x, i, 2)
        y = F.relu(x) if relu_first else x
        y = F.relu(self._sep(y, i + 2))
        y = self._same_pool(self._sep(y, i + 5))
        return y.float() + shortcut.float()

    def forward(self, x: Tensor) -> List[Tensor]:
        # The network up to block 3's first separable convolution (15% of the work) runs in float32:
        # rounding there is amplified by every later layer (measured on the golden fixture: rounding
        # blocks 1-2 alone costs as much accuracy as rounding all the rest). After it, every convolution's
        # input and weights are bfloat16 (oneDNN accumulates in float32); the residual sums stay float32
        # (rounding them after every block would compound over the 12 additions).
        x = x.contiguous(memory_format=torch.channels_last)
        x = F.relu(self._conv(x, 0, 2))
        x = F.relu(self._conv(x, 2, 1))
        x = self._residual(x, 4, False)
        shortcut = self._conv(x, 12, 2)
        y = F.relu(self._sep(F.relu(x), 14)).to(torch.bfloat16)
        y = self._same_pool(self._sep(y, 17))
        x = (y.float() + shortcut).to(torch.bfloat16)
        i = 20
        x = self._residual(x, i, True).to(torch.bfloat16)
        i += 8
        total = x.float()
        for b in range(8):
            y = x
            for j in range(3):
                y = self._sep(F.relu(y), i)
                i += 3
            total = total + y.float()
            x = total.to(torch.bfloat16)
        x = self._residual(x, i, True).to(torch.bfloat16)
        i += 8
        x = F.relu(self._sep(x, i))
        x = F.relu(self._sep(x, i + 3))
        if self.pooling == 0:
            return [x.float().contiguous()]
        # pooling and the classifier in float32: cheap, and it keeps the logits closest to float32
        flat = x.float().flatten(2)
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
