"""Visible checks for lesson 03's exercises (the LoRA forward pass, absmax int8, NF4's bits, an NF4 round trip)."""

from __future__ import annotations

from collections.abc import Callable

import torch

from utils.checking import exercise, expect, expect_close, expect_tensor, expect_type


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


@exercise("3.3", "nf4_bits")
def check_nf4_bits(nf4_bits: Callable[..., float]) -> None:
    """NF4 costs 4 + 32 / block bits, or 4 + 8 / block + 32 / (block * block2) with double quantization."""
    cases = [((64, False), 4.5), ((64, True), 4 + 8 / 64 + 32 / (64 * 256)), ((128, False), 4.25),
             ((32, True, 128), 4 + 8 / 32 + 32 / (32 * 128)), ((4096, False), 4 + 32 / 4096)]
    for args, want in cases:
        got = nf4_bits(*args)
        what = f"nf4_bits{args}"
        expect(type(got) in (float, int), f"{what} should be a number, got {type(got).__name__}.")
        expect_close(float(got), want, what, rtol=1e-9, atol=1e-12)


def _nearest_gap(scaled: torch.Tensor, codebook: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """How much farther the chosen level is from each scaled value than the nearest level is."""
    distance = (scaled[:, None] - codebook[None, :]).abs()
    return distance.gather(1, codes.long()[:, None]).squeeze(1) - distance.min(dim=1).values


@exercise("3.4", "nf4_round_trip")
def check_nf4_round_trip(nf4_round_trip: Callable[..., tuple]) -> None:
    """nf4_round_trip: block absmax scales, the index of the nearest code-book level, and the dequantized tensor."""
    from utils.quantization import nf4_codebook

    gen = torch.Generator().manual_seed(7)
    uniform4 = torch.linspace(-1, 1, 16)  # another code book of 16 sorted levels: evenly spaced
    cases = [(torch.randn(8, 16, generator=gen) * 0.02, nf4_codebook(), 64, "a (8, 16) weight, NF4, blocks of 64"),
             (torch.randn(100, generator=gen), nf4_codebook(), 32, "100 values, NF4, blocks of 32 (the last block "
                                                                   "holds 4)"),
             (torch.randn(3, 40, generator=gen), uniform4, 16, "a (3, 40) weight with another code book, blocks of "
                                                               "16")]
    for w, codebook, block, what in cases:
        result = nf4_round_trip(w.clone(), codebook.clone(), block)
        expect_type(result, tuple, f"nf4_round_trip on {what}")
        expect(len(result) == 3, f"nf4_round_trip on {what} should return (codes, absmax, restored), got "
                                 f"{len(result)} things.")
        codes, absmax, restored = result
        n_blocks = -(-w.numel() // block)
        expect_tensor(absmax, (n_blocks,), torch.float32, f"the absmax from {what} (one per block)")
        blocks = torch.nn.functional.pad(w.reshape(-1), (0, n_blocks * block - w.numel())).view(n_blocks, block)
        expect_close(absmax, blocks.abs().amax(dim=1), f"the absmax from {what} (max |w| of each block of {block} "
                                                       "consecutive values of the flattened tensor)",
                     rtol=1e-6, atol=0.0)
        expect_tensor(codes, (w.numel(),), torch.uint8, f"the codes from {what} (one index per value, flattened)")
        expect(int(codes.max()) < len(codebook), f"the codes from {what} index a code book of 16 levels: 0..15.")
        scaled = blocks.reshape(-1)[: w.numel()] / absmax.repeat_interleave(block)[: w.numel()]
        gap = _nearest_gap(scaled, codebook, codes)
        expect(bool((gap <= 1e-6).all()), f"the codes from {what} should be the index of the level nearest to "
                                          f"w / absmax of its block; {int((gap > 1e-6).sum())} of {w.numel()} are not.")
        expect_tensor(restored, tuple(w.shape), torch.float32, f"the restored tensor from {what}")
        want = codebook[codes.long()] * absmax.repeat_interleave(block)[: w.numel()]
        expect_close(restored, want.view(w.shape), f"the restored tensor from {what} (level times its block's "
                                                   "absmax, in the original shape)", rtol=1e-6, atol=1e-8)
