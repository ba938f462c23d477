"""Reference solutions of lesson 03's exercises."""

from __future__ import annotations

import torch


def lora_forward(x: torch.Tensor, W: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float) -> torch.Tensor:
    """x (n, k), W (d, k), A (r, k), B (d, r): return x W^T + (alpha / r) (x A^T) B^T, shape (n, d)."""
    return x @ W.T + (alpha / A.shape[0]) * (x @ A.T) @ B.T


def absmax_quantize(w: torch.Tensor) -> tuple[torch.Tensor, float]:
    """Return (q, scale): q = round(w / scale) as torch.int8 with scale = max|w| / 127 (a float), so w ~ q * scale."""
    scale = w.abs().max().item() / 127
    return torch.round(w / scale).clamp(-127, 127).to(torch.int8), scale


def lora_param_count(shapes: list[tuple[int, int]], r: int, layers: int) -> int:
    """Trainable LoRA parameters: layers * sum of r * (d_out + d_in) over shapes."""
    return layers * sum(r * (d_out + d_in) for d_out, d_in in shapes)


def nf4_bits(block: int, double_quant: bool, block2: int = 256) -> float:
    """Bits per weight of NF4 with blocks of `block` weights, with or without double quantization of the scales."""
    return 4 + 8 / block + 32 / (block * block2) if double_quant else 4 + 32 / block
