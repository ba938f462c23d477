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


def nf4_bits(block: int, double_quant: bool, block2: int = 256) -> float:
    """Bits per weight of NF4 with blocks of `block` weights, with or without double quantization of the scales."""
    return 4 + 8 / block + 32 / (block * block2) if double_quant else 4 + 32 / block


def nf4_round_trip(w: torch.Tensor, codebook: torch.Tensor, block: int = 64) -> tuple[torch.Tensor, torch.Tensor,
                                                                                      torch.Tensor]:
    """Cut the flattened w into blocks of `block` (zero-pad the last), scale each by its absmax, store the index of the
    nearest of the 16 sorted `codebook` levels; return (codes uint8 (numel,), absmax float32 (blocks,), restored)."""
    flat = w.reshape(-1).float()
    blocks = torch.nn.functional.pad(flat, (0, (-flat.numel()) % block)).view(-1, block)
    absmax = blocks.abs().amax(dim=1)
    scaled = (blocks / absmax.clamp(min=1e-38)[:, None]).reshape(-1)[: flat.numel()]
    codes = (scaled[:, None] - codebook[None, :]).abs().argmin(dim=1).to(torch.uint8)
    restored = codebook[codes.long()] * absmax.repeat_interleave(block)[: flat.numel()]
    return codes, absmax, restored.view(w.shape)
