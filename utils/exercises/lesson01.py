"""Visible checks for lesson 01's exercises (masks, padding, attention, the next-token loss, a sampling loop)."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import torch

from utils.attention import causal_mask as reference_causal_mask
from utils.attention import decoder_mask as reference_decoder_mask
from utils.attention import scaled_dot_product_attention as reference_attention
from utils.checking import exercise, expect, expect_close, expect_tensor


@exercise("1.1", "sliding_window_mask")
def check_sliding_window_mask(sliding_window_mask: Callable[[int, int], torch.Tensor]) -> None:
    """sliding_window_mask(n, w) is 0 where i - w < j <= i and -inf elsewhere, as a float32 (n, n) tensor."""
    for n, window in [(1, 1), (5, 1), (5, 2), (6, 3), (4, 4), (4, 10)]:
        got = sliding_window_mask(n, window)
        what = f"sliding_window_mask({n}, {window})"
        expect_tensor(got, (n, n), torch.float32, what)
        i, j = torch.arange(n)[:, None], torch.arange(n)[None, :]
        future, too_far = j > i, j <= i - window
        expect(bool(torch.isneginf(got[future]).all()),
               f"{what} should be -inf above the diagonal: query i must not see a later key j > i.")
        expect(bool(torch.isneginf(got[too_far]).all()),
               f"{what} should be -inf where j <= i - {window}: each query sees itself and the {window - 1} keys "
               "before it, no further back.")
        expect(bool((got[~(future | too_far)] == 0).all()),
               f"{what} should be 0 where i - {window} < j <= i (the keys inside the window, the query included).")
    expect(torch.equal(sliding_window_mask(6, 6), reference_causal_mask(6)),
           "with a window as long as the sequence, the mask should equal the causal mask.")


@exercise("1.2", "pad_batch")
def check_pad_batch(pad_batch: Callable[..., tuple[torch.Tensor, torch.Tensor]]) -> None:
    """pad_batch pads id lists to one length on the asked side and returns the matching 0/1 attention mask."""
    seqs = [[5, 6, 7], [8], [9, 10]]
    cases = {
        "right": ([[5, 6, 7], [8, 0, 0], [9, 10, 0]], [[1, 1, 1], [1, 0, 0], [1, 1, 0]]),
        "left": ([[5, 6, 7], [0, 0, 8], [0, 9, 10]], [[1, 1, 1], [0, 0, 1], [0, 1, 1]]),
    }
    for side, (ids, mask) in cases.items():
        result = pad_batch([list(s) for s in seqs], 0, side)
        expect(type(result) is tuple and len(result) == 2,
               f"pad_batch(..., side={side!r}) should return a tuple (input_ids, attention_mask).")
        got_ids, got_mask = result
        expect_close(got_ids, torch.tensor(ids), f"input_ids padded on the {side}")
        expect_close(got_mask, torch.tensor(mask), f"attention_mask for padding on the {side}")
    got_ids, _ = pad_batch([[3, 4], [5]], 7, "right")
    expect_close(got_ids, torch.tensor([[3, 4], [5, 7]]), "input_ids padded with pad_id=7")
    try:
        pad_batch(seqs, 0, "middle")
    except ValueError:
        return
    expect(False, "pad_batch(..., side='middle') should raise ValueError: the side is 'left' or 'right'.")


@exercise("1.3", "scaled_dot_product_attention")
def check_attention(attention: Callable[..., torch.Tensor]) -> None:
    """attention(q, k, v, mask) matches softmax(q k^T / sqrt(d) + mask) v and torch, zeros for fully masked queries."""
    gen = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 3, 5, 8, generator=gen) for _ in range(3))
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v)
    expect_close(attention(q, k, v), want, "attention without a mask", rtol=1e-4, atol=1e-5)
    mask = reference_causal_mask(5)
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    expect_close(attention(q, k, v, mask), want, "attention with the causal mask", rtol=1e-4, atol=1e-5)
    k2, v2 = torch.randn(2, 3, 7, 8, generator=gen), torch.randn(2, 3, 7, 4, generator=gen)
    expect_close(attention(q, k2, v2), reference_attention(q, k2, v2),
                 "attention with 5 queries, 7 keys and values of width 4 (cross-attention)", rtol=1e-4, atol=1e-5)
    left_padded = reference_decoder_mask(torch.tensor([[1, 1, 1, 1, 1], [0, 0, 1, 1, 1]]))
    got = attention(q, k, v, left_padded)
    expect_tensor(got, tuple(q.shape), torch.float32, "attention with a left-padded decoder mask")
    expect(not bool(got.isnan().any()), "a query that may see no key (a pad position under left padding) should get "
                                        "zeros, as torch returns, not NaN: zero the rows whose scores are all -inf.")
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=left_padded)
    expect_close(got, want, "attention with a left-padded decoder mask", rtol=1e-4, atol=1e-5)


@exercise("1.4", "next_token_loss")
def check_next_token_loss(next_token_loss: Callable[..., torch.Tensor]) -> None:
    """next_token_loss scores position t's logits against token t + 1, averaged over the real (unpadded) targets."""
    gen = torch.Generator().manual_seed(1)
    logits, ids = torch.randn(2, 6, 11, generator=gen), torch.randint(0, 11, (2, 6), generator=gen)
    want = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, 11), ids[:, 1:].reshape(-1))
    got = next_token_loss(logits, ids)
    expect_tensor(got, (), torch.float32, "next_token_loss(logits, input_ids)")
    unshifted = torch.nn.functional.cross_entropy(logits.reshape(-1, 11), ids.reshape(-1))
    expect(not torch.allclose(got, unshifted), "the loss compares position t with token t itself: shift by one, "
                                               "so logits[:, :-1] are scored against input_ids[:, 1:].")
    expect_close(got, want, "next_token_loss(logits, input_ids)", rtol=1e-5, atol=1e-6)
    for side, mask in [("right", [[1, 1, 1, 1, 1, 1], [1, 1, 1, 0, 0, 0]]),
                       ("left", [[1, 1, 1, 1, 1, 1], [0, 0, 1, 1, 1, 1]])]:
        mask = torch.tensor(mask)
        targets = ids[:, 1:].masked_fill(mask[:, 1:] == 0, -100)
        want = torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, 11), targets.reshape(-1))
        got = next_token_loss(logits, ids, mask)
        expect_tensor(got, (), torch.float32, f"next_token_loss with padding on the {side}")
        expect_close(got, want, f"next_token_loss with padding on the {side} (average over real targets only, "
                                "those whose attention_mask is 1)", rtol=1e-5, atol=1e-6)


class _FixedLM:
    """A stand-in causal LM: next-token logits from a (V, V) table indexed by the last token; records input lengths."""

    def __init__(self, table: torch.Tensor) -> None:
        self.table, self.lengths = table, []

    def __call__(self, input_ids: torch.Tensor) -> SimpleNamespace:
        expect(type(input_ids) is torch.Tensor and input_ids.dim() == 2 and input_ids.shape[0] == 1
               and input_ids.dtype == torch.long,
               "call the model with a (1, T) int64 tensor of the whole sequence so far: model(torch.tensor([ids])).")
        self.lengths.append(input_ids.shape[1])
        n = input_ids.shape[1]
        return SimpleNamespace(logits=self.table[input_ids[0, -1]].expand(1, n, -1))  # logits of every position


def _greedy_chain(table: torch.Tensor, prompt: list[int], n: int) -> list[int]:
    """The argmax continuation of `prompt` under the bigram `table`."""
    out, last = [], prompt[-1]
    for _ in range(n):
        last = int(table[last].argmax())
        out.append(last)
    return out


def _frequencies(sample: Callable[..., list[int]], probs: list[float], n: int, seed: int, **kw: Any) -> torch.Tensor:
    """Token frequencies of `n` draws (runs of 4 tokens) from a model whose next-token distribution is `probs`."""
    table, generator, drawn = torch.tensor(probs).log().expand(len(probs), -1).clone(), torch.Generator(), []
    generator.manual_seed(seed)
    for _ in range(n // 4):
        got = sample(_FixedLM(table), [0], 4, generator=generator, **kw)
        expect(type(got) is list and len(got) == 4 and all(type(t) is int for t in got),
               "sample(..., max_new_tokens=4) should return a list of 4 Python ints (no stop id was given), got "
               f"{got!r}.")
        drawn.extend(got)
    return torch.bincount(torch.tensor(drawn), minlength=len(probs)).float() / len(drawn)


@exercise("1.5", "sample")
def check_sample(sample: Callable[..., list[int]]) -> None:
    """sample: greedy at temperature 0, nucleus (top-p) sampling at temperature T, stops after a stop id."""
    gen = torch.Generator().manual_seed(2)
    table = torch.randn(12, 12, generator=gen) * 3
    prompt, chain = [4, 7], _greedy_chain(table, [4, 7], 6)
    lm = _FixedLM(table)
    got = sample(lm, list(prompt), 6, temperature=0.0)
    expect(type(got) is list and all(type(t) is int for t in got),
           f"sample should return a list of Python ints (use .item() or int()), got {type(got).__name__}"
           + (f" of {sorted({type(t).__name__ for t in got})}" if isinstance(got, list) else "") + ".")
    expect(got != prompt + chain, "return only the new tokens, not the prompt followed by them.")
    expect(got == chain, f"at temperature 0, sample should pick the most likely token each step: want {chain}, got "
                         f"{got}.")
    expect(lm.lengths == [2, 3, 4, 5, 6, 7], "each step should call the model once on the prompt plus every token "
                                             f"generated so far (lengths 2, 3, ..., 7); it saw lengths {lm.lengths}.")
    expect(sample(_FixedLM(table), list(prompt), 0, temperature=0.0) == [], "max_new_tokens=0 should return [].")
    got = sample(_FixedLM(table), list(prompt), 6, temperature=0.0, stop_ids={chain[2]})
    want = chain[: chain.index(chain[2]) + 1]
    expect(got == want, f"with stop_ids={{{chain[2]}}}, generation should end right after that token (kept in the "
                        f"output): want {want}, got {got}.")
    unused = next(t for t in range(12) if t not in chain)
    got = sample(_FixedLM(table), list(prompt), 6, temperature=0.0, stop_ids=[unused])
    expect(got == chain, f"a stop id that never comes should not shorten the output: want {chain}, got {got}.")
    got = sample(_FixedLM(table), list(prompt), 6, temperature=1.0, top_p=1e-4,
                 generator=torch.Generator().manual_seed(0))
    expect(got == chain, "with a tiny top_p the nucleus is the single most likely token, so sampling equals greedy "
                         f"decoding: want {chain}, got {got}.")

    probs, n = [0.5, 0.25, 0.15, 0.1], 1200
    for top_p, keep in [(0.7, 2), (0.8, 3), (1.0, 4)]:
        freq = _frequencies(sample, probs, n, seed=3, temperature=1.0, top_p=top_p)
        want = torch.tensor(probs[:keep] + [0.0] * (4 - keep))
        want = want / want.sum()
        expect(bool((freq[keep:] == 0).all()),
               f"with probabilities {probs} and top_p={top_p}, only the {keep} most likely tokens may be drawn (the "
               f"smallest set whose total reaches top_p); got frequencies {[round(f, 3) for f in freq.tolist()]}.")
        expect(bool(((freq - want).abs() < 0.05).all()),
               f"with probabilities {probs} and top_p={top_p}, draws should follow the renormalised nucleus "
               f"{[round(w, 3) for w in want.tolist()]}; got frequencies {[round(f, 3) for f in freq.tolist()]}. "
               "Keep the token that crosses top_p, and renormalise before drawing.")
    for temperature in (0.5, 2.0):
        freq = _frequencies(sample, [0.6, 0.4], n, seed=4, temperature=temperature)
        want = torch.tensor([0.6, 0.4]) ** (1 / temperature)
        want = want / want.sum()
        expect(bool(((freq - want).abs() < 0.04).all()),
               f"at temperature {temperature}, probabilities [0.6, 0.4] become softmax(logits / {temperature}) = "
               f"{[round(w, 3) for w in want.tolist()]}; got frequencies {[round(f, 3) for f in freq.tolist()]}.")
    flat = torch.zeros(1, 5).expand(5, -1).clone()
    runs = [sample(_FixedLM(flat), [0], 40, generator=torch.Generator().manual_seed(s)) for s in (7, 7, 8)]
    expect(runs[0] == runs[1], "two runs with generators seeded alike should draw the same tokens: pass "
                               "generator=generator to torch.multinomial.")
    expect(runs[0] != runs[2], "runs with differently seeded generators drew the same 40 tokens: draw with "
                               "torch.multinomial(probs, 1, generator=generator).")
