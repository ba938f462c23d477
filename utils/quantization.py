"""Quantization from scratch: float bit layouts, absmax/zero-point int8, block-wise, NF4, double quant, 1 and 1.58 bits.

Every quantizer returns what would be stored (integer codes and scales); the matching `*_dequantize` rebuilds
floats. `reconstruct(w, scheme)` runs a round trip by scheme name and `bits_per_param(scheme)` says what it costs.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import Tensor, nn

# (exponent bits, mantissa bits) of the float formats; each also has one sign bit.
FLOAT_LAYOUTS: dict[torch.dtype, tuple[int, int]] = {torch.float32: (8, 23), torch.float16: (5, 10),
                                                     torch.bfloat16: (8, 7)}
NF4_OFFSET = 0.9677083  # QLoRA's outermost quantile: the code book spans +-1.848 standard deviations


def bit_pattern(x: float, dtype: torch.dtype) -> str:
    """The bits of `x` stored in `dtype` (fp32, fp16 or bf16), as "sign exponent mantissa"."""
    exp_bits, man_bits = FLOAT_LAYOUTS[dtype]
    width = 1 + exp_bits + man_bits
    as_int = {32: torch.int32, 16: torch.int16}[width]
    raw = torch.tensor([x], dtype=dtype).view(as_int).item() & ((1 << width) - 1)
    bits = format(raw, f"0{width}b")
    return f"{bits[0]} {bits[1:1 + exp_bits]} {bits[1 + exp_bits:]}"


def absmax_quantize(w: Tensor, bits: int = 8, dim: int | None = None) -> tuple[Tensor, Tensor]:
    """Symmetric quantization: q = round(w / s) with s = absmax / (2^(bits-1) - 1), per tensor or along `dim`."""
    qmax = 2 ** (bits - 1) - 1
    absmax = w.abs().amax() if dim is None else w.abs().amax(dim=dim, keepdim=True)
    scale = absmax.float().clamp(min=1e-12) / qmax
    q = torch.clamp(torch.round(w.float() / scale), -qmax, qmax).to(torch.int8)
    return q, scale


def absmax_dequantize(q: Tensor, scale: Tensor) -> Tensor:
    """Floats back from symmetric codes: w ~ q * s."""
    return q.float() * scale


def zeropoint_quantize(w: Tensor, bits: int = 8) -> tuple[Tensor, Tensor, Tensor]:
    """Asymmetric quantization onto 0..2^bits-1: q = round(w / s) + z, with s = (max - min) / (2^bits - 1)."""
    qmax = 2**bits - 1
    low, high = w.min().float(), w.max().float()
    scale = ((high - low) / qmax).clamp(min=1e-12)
    zero = torch.round(-low / scale)
    q = torch.clamp(torch.round(w.float() / scale) + zero, 0, qmax).to(torch.uint8)
    return q, scale, zero


def zeropoint_dequantize(q: Tensor, scale: Tensor, zero: Tensor) -> Tensor:
    """Floats back from asymmetric codes: w ~ (q - z) * s."""
    return (q.float() - zero) * scale


def to_blocks(w: Tensor, block: int) -> Tensor:
    """Flatten `w` and cut it into rows of `block` values (zero padding at the end)."""
    flat = w.reshape(-1).float()
    pad = (-flat.numel()) % block
    return torch.nn.functional.pad(flat, (0, pad)).view(-1, block)


def from_blocks(blocks: Tensor, shape: torch.Size | tuple[int, ...]) -> Tensor:
    """Undo `to_blocks`: drop the padding and restore `shape`."""
    return blocks.reshape(-1)[: math.prod(shape)].view(shape)


def blockwise_quantize(w: Tensor, block: int = 64, bits: int = 8) -> tuple[Tensor, Tensor]:
    """Absmax quantization with one scale per block of `block` consecutive values: an outlier spoils one block only."""
    return absmax_quantize(to_blocks(w, block), bits, dim=1)


def blockwise_dequantize(q: Tensor, scale: Tensor, shape: torch.Size | tuple[int, ...]) -> Tensor:
    """Floats back from block-wise codes, in the original shape."""
    return from_blocks(absmax_dequantize(q, scale), shape)


def nf4_codebook(offset: float = NF4_OFFSET) -> Tensor:
    """The 16 NormalFloat-4 values: quantiles of N(0, 1) (8 negative, 0, 7 positive), scaled into [-1, 1]."""
    normal = torch.distributions.Normal(0.0, 1.0)
    positive = normal.icdf(torch.linspace(offset, 0.5, 9, dtype=torch.float64)[:-1])
    negative = -normal.icdf(torch.linspace(offset, 0.5, 8, dtype=torch.float64)[:-1])
    values = torch.cat([negative, torch.zeros(1, dtype=torch.float64), positive]).sort().values
    return (values / values.max()).float()


def nf4_quantize(w: Tensor, block: int = 64) -> tuple[Tensor, Tensor]:
    """NF4: scale each block by its absmax into [-1, 1], store the index (0..15) of the nearest code-book value."""
    blocks = to_blocks(w, block)
    absmax = blocks.abs().amax(dim=1)
    scaled = torch.clamp(blocks * (1.0 / absmax.clamp(min=1e-38)).unsqueeze(1), -1, 1)
    code = nf4_codebook().to(w.device)
    midpoints = (code[:-1] + code[1:]) / 2
    codes = torch.bucketize(scaled, midpoints).to(torch.uint8)
    return codes.reshape(-1)[: w.numel()], absmax


def nf4_dequantize(codes: Tensor, absmax: Tensor, shape: torch.Size | tuple[int, ...], block: int = 64) -> Tensor:
    """Floats back from NF4 indexes and block absmax values."""
    values = nf4_codebook().to(codes.device)[codes.long()]
    padded = torch.nn.functional.pad(values, (0, (-values.numel()) % block)).view(-1, block)
    return from_blocks(padded * absmax.unsqueeze(1), shape)


def pack_4bit(codes: Tensor) -> Tensor:
    """Two 4-bit indexes per byte, the first in the high nibble (bitsandbytes' layout)."""
    codes = torch.nn.functional.pad(codes.reshape(-1), (0, codes.numel() % 2))
    return (codes[0::2] << 4) | codes[1::2]


def double_quantize(absmax: Tensor, block: int = 256) -> tuple[Tensor, Tensor, Tensor]:
    """QLoRA's double quantization: subtract the mean of the scales, then int8 them in blocks of `block`."""
    offset = absmax.mean()
    q, scale = blockwise_quantize(absmax - offset, block=block)
    return q, scale, offset


def double_dequantize(q: Tensor, scale: Tensor, offset: Tensor, count: int) -> Tensor:
    """The block scales back from their int8 codes (the first `count` of them)."""
    return blockwise_dequantize(q, scale, (count,)) + offset


def ternary_quantize(w: Tensor) -> tuple[Tensor, Tensor]:
    """BitNet b1.58 absmean: gamma = mean|w|, q = clamp(round(w / gamma), -1, 1) in {-1, 0, 1}."""
    gamma = w.abs().mean().float().clamp(min=1e-12)
    return torch.clamp(torch.round(w.float() / gamma), -1, 1).to(torch.int8), gamma


def binary_quantize(w: Tensor) -> tuple[Tensor, Tensor]:
    """1-bit weights: q = sign(w) in {-1, 1} with alpha = mean|w| (the scale that minimises the squared error)."""
    return torch.where(w >= 0, 1, -1).to(torch.int8), w.abs().mean().float()


def nf4_double_reconstruct(w: Tensor, block: int = 64, block2: int = 256) -> Tensor:
    """NF4 round trip whose block scales were themselves stored with double quantization."""
    codes, absmax = nf4_quantize(w, block)
    return nf4_dequantize(codes, double_dequantize(*double_quantize(absmax, block2), absmax.numel()), w.shape, block)


# Round trips by name: what a model would compute with after storing its weights in that format.
SCHEMES: dict[str, Callable[[Tensor], Tensor]] = {
    "fp32": lambda w: w.float(),
    "fp16": lambda w: w.half().float(),
    "bf16": lambda w: w.bfloat16().float(),
    "int8 (per tensor)": lambda w: absmax_dequantize(*absmax_quantize(w)),
    "int8 (per row)": lambda w: absmax_dequantize(*absmax_quantize(w, dim=-1)),
    "int8 zero-point": lambda w: zeropoint_dequantize(*zeropoint_quantize(w)),
    "int4 (block 64)": lambda w: blockwise_dequantize(*blockwise_quantize(w, 64, bits=4), w.shape),
    "nf4 (block 64)": lambda w: nf4_dequantize(*nf4_quantize(w), w.shape),
    "nf4 + double quant": nf4_double_reconstruct,
    "ternary (1.58 bit)": lambda w: absmax_dequantize(*ternary_quantize(w)),
    "binary (1 bit)": lambda w: absmax_dequantize(*binary_quantize(w)),
}


def reconstruct(w: Tensor, scheme: str) -> Tensor:
    """Quantize `w` with `scheme` (a key of SCHEMES) and dequantize it again, in w's shape and dtype."""
    return SCHEMES[scheme](w).reshape(w.shape).to(w.dtype)


def bits_per_param(scheme: str, block: int = 64, block2: int = 256, rows: int = 4096) -> float:
    """Storage cost in bits per weight, scales included (`rows`: row length for per-row int8)."""
    costs = {
        "fp32": 32.0, "fp16": 16.0, "bf16": 16.0,
        "int8 (per tensor)": 8.0,
        "int8 (per row)": 8 + 32 / rows,
        "int8 zero-point": 8.0,
        "int4 (block 64)": 4 + 32 / 64,
        "nf4 (block 64)": 4 + 32 / block,
        "nf4 + double quant": 4 + 8 / block + 32 / (block * block2),
        "ternary (1.58 bit)": math.log2(3),
        "binary (1 bit)": 1.0,
    }
    return costs[scheme]


def fake_quantize_linears(model: nn.Module, scheme: str) -> int:
    """Replace the weight of every nn.Linear but the output head (bitsandbytes keeps it too) by its `scheme` round
    trip, in place; return how many layers changed."""
    head = model.get_output_embeddings() if hasattr(model, "get_output_embeddings") else None
    count = 0
    with torch.no_grad():
        for module in model.modules():
            if type(module) is nn.Linear and module is not head:
                module.weight.copy_(reconstruct(module.weight, scheme))
                count += 1
    return count


def int8_vectorwise_quantize(x: Tensor, threshold: float = 0.0) -> tuple[Tensor, Tensor, Tensor]:
    """LLM.int8()'s quantization of activations: one absmax scale per row, computed without the outlier values
    (|x| >= threshold); outlier feature columns get code 0. Returns (codes, row scales, outlier column mask)."""
    is_outlier = x.abs() >= threshold if threshold > 0 else torch.zeros_like(x, dtype=torch.bool)
    columns = is_outlier.any(dim=0)
    inliers = x.float().masked_fill(is_outlier, 0.0)
    absmax = inliers.abs().amax(dim=1, keepdim=True).clamp(min=1e-12)
    q = torch.round(inliers * (127.0 / absmax)).to(torch.int8)  # x * (127 / absmax), as bitsandbytes rounds it
    return q.masked_fill(columns, 0), absmax / 127, columns


def int8_matmul(x: Tensor, w: Tensor, threshold: float = 0.0) -> Tensor:
    """LLM.int8(): x @ w.T with rows of x and of w in int8; feature columns of x with a value >= threshold stay fp."""
    qx, sx, columns = int8_vectorwise_quantize(x, threshold)
    qw, sw = absmax_quantize(w, dim=1)
    exact_sums = qx.double() @ qw.double().T  # integer products summed exactly, as an int32 accumulator would
    return (exact_sums * sx * sw.T).float() + x[:, columns] @ w[:, columns].T


def keep_4bit_layout(model: nn.Module) -> int:
    """Stop bitsandbytes 0.50 repacking 4-bit weights for CPU inference (AVX512-BF16 CPUs only: it rounds the
    scales to bf16, needs out_features % 32 == 0 and differs between machines). Returns the layers changed."""
    count = 0
    for module in model.modules():
        if hasattr(module, "support_avx512bf16_for_cpu"):
            module.support_avx512bf16_for_cpu = False
            count += 1
    return count
