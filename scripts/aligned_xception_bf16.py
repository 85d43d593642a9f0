"""Makes the bfloat16 program of timm's aligned Xceptions (xception41/65/71):
src/main/resources/io/xceptionspark/model/aligned_xception_bf16.pt.

TorchScript code only, no weights and no variant: the Java side (io.xceptionspark.model.Bfloat16AlignedXception)
loads it through DJL and calls load() once with the float32, BatchNorm-folded weights its own float32 network
computed (AlignedXceptionNetwork.foldedWeights(), in forward order) and the variant's block structure, so one
program runs all three. load() keeps bfloat16 channels-last copies. forward() takes and returns float32 tensors,
because DJL's JNI has no bfloat16 mapping. The precision design is the Keras program's (scripts/xception_bf16.py),
with the float32 part extended to the whole entry flow (see forward; measured in docs/MODEL.md).

Run by scripts/make-bf16-program.sh (Debian's python3-torch); never at run time.
"""
import sys
from typing import List

import torch
import torch.nn.functional as F
from torch import Tensor

# pooling codes (Java: Bfloat16AlignedXception): 0 none, 1 avg, 2 max
# block structure: 5 ints per XceptionModule, in forward order: stride, start_with_relu, skip, projects, float32


class AlignedXceptionBf16(torch.nn.Module):
    w: List[Tensor]
    strides: List[int]
    start_with_relu: List[bool]
    skip: List[bool]
    projects: List[bool]
    float32: List[bool]

    def __init__(self):
        super().__init__()
        self.w = []
        self.strides = []
        self.start_with_relu = []
        self.skip = []
        self.projects = []
        self.float32 = []
        self.dense_weight = torch.zeros(0)
        self.dense_bias = torch.zeros(0)
        self.include_top = False
        self.pooling = 1
        self.softmax = True

    @torch.jit.export
    def load(self, folded: List[Tensor], dense: List[Tensor], blocks: List[int], pooling: int,
             softmax: bool) -> int:
        """folded: per unit, in forward order: the stem's two convolutions (weight, bias); per block its
        projection shortcut (weight, bias) if it has one, then its three separable convolutions (depthwise,
        pointwise [O, I], bias), or for a block with ReLUs inside (exit2) six convolutions (weight, bias),
        depthwise and pointwise alternating. dense: the classifier (weight [C, 2048], bias [C]) or empty.
        Returns the number of tensors the structure used (the caller checks it took them all)."""
        if len(blocks) % 5 != 0:
            raise RuntimeError("the block structure takes 5 ints per block")
        self.strides = blocks[0::5]
        self.start_with_relu = [b == 1 for b in blocks[1::5]]
        self.skip = [b == 1 for b in blocks[2::5]]
        self.projects = [b == 1 for b in blocks[3::5]]
        self.float32 = [b == 1 for b in blocks[4::5]]
        # which tensors stay float32: the stem's and those of the float32 blocks
        float32 = [k < 4 for k in range(len(folded))]
        start = 4
        for b in range(len(self.strides)):
            if self.float32[b]:
                for k in range(start, min(start + self._tensors(b), len(folded))):
                    float32[k] = True
            start += self._tensors(b)
        converted: List[Tensor] = []
        for k, t in enumerate(folded):
            # clone: DJL's tensors may wrap Java-owned buffers that are freed once the float32 model closes
            t = t.detach().clone()
            if t.dim() == 2:  # a pointwise matrix becomes a 1x1 convolution weight
                t = t.reshape(t.size(0), t.size(1), 1, 1)
            if not float32[k]:
                t = t.to(torch.bfloat16)
            if t.dim() == 4:
                t = t.contiguous(memory_format=torch.channels_last)
            else:
                t = t.contiguous()
            converted.append(t)
        used = 4
        for b in range(len(self.strides)):
            used += self._tensors(b)
        if used != len(converted):
            raise RuntimeError("the block structure takes " + str(used) + " tensors, got " + str(len(converted)))
        self.w = converted
        self.include_top = len(dense) == 2
        if self.include_top:
            self.dense_weight = dense[0].detach().clone()
            self.dense_bias = dense[1].detach().clone()
        self.pooling = pooling
        self.softmax = softmax
        return used

    def _tensors(self, b: int) -> int:
        """Folded tensors of block b: shortcut 2, and 3 separables x 3 or 6 convolutions x 2."""
        return (2 if self.projects[b] else 0) + (9 if self.start_with_relu[b] else 12)

    def _conv(self, x: Tensor, i: int, stride: int, padding: int, groups: int) -> Tensor:
        return F.conv2d(x, self.w[i], self.w[i + 1], stride, padding, 1, groups)

    def _sep(self, x: Tensor, i: int, stride: int) -> Tensor:
        # timm SeparableConv2d, both BatchNorms folded: PyTorch symmetric padding 1, the stride on the depthwise
        dw = self.w[i]
        x = F.conv2d(x, dw, None, stride, 1, 1, dw.size(0))
        return F.conv2d(x, self.w[i + 1], self.w[i + 2])

    def _cast(self, x: Tensor, i: int) -> Tensor:
        """x in the dtype of the weights at i (float32 in the float32 blocks, else bfloat16)."""
        return x.to(self.w[i].dtype)

    def forward(self, x: Tensor) -> List[Tensor]:
        # The stem and the blocks the caller marks float32 (the entry flow) compute in float32: rounding
        # early is amplified by every later layer (measured on the timm fixtures: rounding the first entry
        # block alone costs as much as rounding any four middle blocks, and xception71's two extra entry
        # blocks cost more than xception65's eight extra middle ones). After them every convolution's input
        # and weights are bfloat16 (oneDNN accumulates in float32); the residual sums stay float32 (rounding
        # them after every block would compound over the 8 to 16 additions of the middle flow).
        x = x.contiguous(memory_format=torch.channels_last)
        x = F.relu(self._conv(x, 0, 2, 1, 1))
        total = F.relu(self._conv(x, 2, 1, 1, 1))
        i = 4
        for b in range(len(self.strides)):
            stride = self.strides[b]
            x = self._cast(total, i)
            shortcut = total
            if self.projects[b]:
                shortcut = self._conv(x, i, stride, 0, 1).float()
                i += 2
            y = x
            if self.start_with_relu[b]:
                for j in range(3):
                    y = self._sep(F.relu(y), i, stride if j == 2 else 1)
                    i += 3
            else:
                for j in range(3):
                    y = F.relu(self._conv(y, i, 1, 1, y.size(1)))
                    y = F.relu(self._conv(y, i + 2, 1, 0, 1))
                    i += 4
            total = y.float() + shortcut if self.skip[b] else y.float()
        if self.pooling == 0:
            return [total.contiguous()]
        # pooling and the classifier in float32: cheap, and it keeps the logits closest to float32
        flat = total.flatten(2)
        embedding = flat.mean(2) if self.pooling == 1 else flat.amax(2)
        if not self.include_top:
            return [embedding]
        logits = F.linear(embedding, self.dense_weight, self.dense_bias)
        scores = torch.softmax(logits, 1) if self.softmax else logits.clone()
        return [embedding, logits, scores]


if __name__ == "__main__":
    out = sys.argv[1]
    torch.jit.save(torch.jit.script(AlignedXceptionBf16()), out)
    print("wrote", out)
