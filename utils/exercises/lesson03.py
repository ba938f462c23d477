"""Visible checks for lesson 03's exercises (the LoRA forward pass, absmax int8, LoRA's parameter count, NF4's bits)."""

from __future__ import annotations

from collections.abc import Callable

import torch

from utils.checking import exercise, expect, expect_close, expect_tensor, expect_type

MISTRAL_7B_LAYER = {"q": (4096, 4096), "k": (1024, 4096), "v": (1024, 4096), "o": (4096, 4096),
                    "gate": (14336, 4096), "up": (14336, 4096), "down": (4096, 14336)}


@exercise("3.1", "lora_forward")
def check_lora_forward(lora_forward: Callable[..., torch.Tensor]) -> None:
    """lora_forward computes x W^T + (alpha / r) (x A^T) B^T with r = A.shape[0]."""
    gen = torch.Generator().manual_seed(3)
    for n, d, k, r, alpha in [(3, 6, 5, 2, 4.0), (4, 8, 8, 4, 4.0), (2, 5, 7, 1, 3.0)]:
        x, W = torch.randn(n, k, generator=gen), torch.randn(d, k, generator=gen)
        A, B = torch.randn(r, k, generator=gen), torch.randn(d, r, generator=gen)
        want = x @ W.T + (alpha / r) * (x @ A.T) @ B.T
        got = lora_forward(x.clone(), W.clone(), A.clone(), B.clone(), alpha)
        what = f"lora_forward with x {tuple(x.shape)}, W {tuple(W.shape)}, r={r}, alpha={alpha}"
        expect_tensor(got, (n, d), torch.float32, what)
        plain = x @ W.T + alpha * (x @ A.T) @ B.T
        expect(not (r > 1 and torch.allclose(got, plain, atol=1e-5)),
               f"{what}: the update must be scaled by alpha / r, not by alpha alone.")
        expect_close(got, want, what, rtol=1e-4, atol=1e-5)
    zero_b = lora_forward(x, W, A, torch.zeros_like(B), alpha)
    expect_close(zero_b, x @ W.T, "lora_forward with B = 0 (the start of training)", rtol=1e-5, atol=1e-6)


@exercise("3.2", "absmax_quantize")
def check_absmax_quantize(absmax_quantize: Callable[[torch.Tensor], tuple]) -> None:
    """absmax_quantize returns int8 codes round(w / s) and the float scale s = max|w| / 127."""
    gen = torch.Generator().manual_seed(5)
    for w in [torch.randn(6, 10, generator=gen) * 0.02, torch.tensor([0.5, -1.27, 0.0, 0.011]),
              torch.randn(33, generator=gen)]:
        result = absmax_quantize(w.clone())
        what = f"absmax_quantize on a tensor of shape {tuple(w.shape)}"
        expect_type(result, tuple, what)
        expect(len(result) == 2, f"{what} should return two things (q, scale), got {len(result)}.")
        q, scale = result
        expect_type(scale, float, f"the scale from {what}")
        want_scale = w.abs().max().item() / 127
        expect_close(scale, want_scale, f"the scale from {what} (max|w| / 127)", rtol=1e-5, atol=0.0)
        expect_tensor(q, tuple(w.shape), torch.int8, f"the codes from {what}")
        want_q = torch.round(w / want_scale).clamp(-127, 127).to(torch.int8)
        off = (q.int() - want_q.int()).abs().max().item()
        expect(off <= 1 and (q.int() - want_q.int()).abs().sum().item() <= 1,
               f"the codes from {what} should be round(w / scale); some are off by {off}.")
        expect(int(q.abs().max()) == 127, f"the largest |code| from {what} should be 127, got {int(q.abs().max())}.")
        error = (q.float() * scale - w).abs().max().item()
        expect(error <= scale / 2 * 1.001 + 1e-12, f"{what}: dequantizing errs by {error:.3g}, more than scale / 2.")


@exercise("3.3", "lora_param_count")
def check_lora_param_count(lora_param_count: Callable[[list, int, int], int]) -> None:
    """lora_param_count = layers * sum of r * (d_out + d_in)."""
    m = MISTRAL_7B_LAYER
    cases = [([m["q"], m["v"]], 8, 32, 3_407_872), (list(m.values()), 16, 32, 41_943_040), ([(10, 20)], 1, 1, 30),
             ([(8, 4), (4, 8)], 3, 2, 144), ([], 8, 4, 0)]
    for shapes, r, layers, want in cases:
        got = lora_param_count(list(shapes), r, layers)
        what = f"lora_param_count({shapes if len(shapes) < 3 else 'all seven Mistral-7B matrices'}, r={r}, " \
               f"layers={layers})"
        expect_type(got, int, what)
        expect(got == want, f"{what} should be {want:,}, got {got:,}.")


@exercise("3.4", "nf4_bits")
def check_nf4_bits(nf4_bits: Callable[..., float]) -> None:
    """NF4 costs 4 + 32 / block bits, or 4 + 8 / block + 32 / (block * block2) with double quantization."""
    cases = [((64, False), 4.5), ((64, True), 4 + 8 / 64 + 32 / (64 * 256)), ((128, False), 4.25),
             ((32, True, 128), 4 + 8 / 32 + 32 / (32 * 128)), ((4096, False), 4 + 32 / 4096)]
    for args, want in cases:
        got = nf4_bits(*args)
        what = f"nf4_bits{args}"
        expect(type(got) in (float, int), f"{what} should be a number, got {type(got).__name__}.")
        expect_close(float(got), want, what, rtol=1e-9, atol=1e-12)
