"""Visible checks for lesson 00's exercises."""

from __future__ import annotations

from collections.abc import Callable

from utils.checking import exercise, expect


@exercise("0.1", "choose_profile")
def check_choose_profile(choose_profile: Callable[[str, bool], str]) -> None:
    """choose_profile follows setup()'s rule."""
    cases = [("", True, "full"), ("", False, "tiny"), ("small", True, "small"), ("TINY", True, "tiny"),
             ("full", False, "full"), (" Small ", False, "small")]
    for env, gpu, want in cases:
        got = choose_profile(env, gpu)
        expect(type(got) is str, f"choose_profile({env!r}, {gpu}) should return a str, got {type(got).__name__}")
        expect(got == want, f"choose_profile({env!r}, has_gpu={gpu}) should be {want!r}, got {got!r}")
    try:
        choose_profile("huge", False)
    except ValueError:
        return
    expect(False, "choose_profile('huge', False) should raise ValueError for an unknown profile")


@exercise("0.2", "weight_bytes")
def check_weight_bytes(weight_bytes: Callable[[int, str], float]) -> None:
    """weight_bytes knows the width of each format."""
    cases = [(7_000_000_000, "bf16", 14e9), (10, "fp32", 40), (10, "fp16", 20), (10, "int8", 10), (10, "nf4", 5),
             (3, "nf4", 1.5)]
    for n, dtype, want in cases:
        got = weight_bytes(n, dtype)
        kind = type(got).__name__
        expect(type(got) in (int, float), f"weight_bytes({n}, {dtype!r}) should return a number, got {kind}")
        expect(abs(float(got) - want) < 1e-6 * max(1.0, want), f"weight_bytes({n:,}, {dtype!r}) should be {want:,}, "
                                                                f"got {got:,}")


@exercise("0.3", "stage_of")
def check_stage_of(stage_of: Callable[[dict], str]) -> None:
    """stage_of tells the three stages' data apart."""
    cases = [({"text": "Raw text."}, "pretraining"), ({"messages": []}, "sft"),
             ({"prompt": "Q", "completion": "A"}, "sft"),
             ({"prompt": "Q", "chosen": "A", "rejected": "B"}, "alignment")]
    for example, want in cases:
        got = stage_of(example)
        expect(type(got) is str and got == want, f"stage_of({example}) should be {want!r}, got {got!r}")
    try:
        stage_of({"label": 1})
    except ValueError:
        return
    expect(False, "stage_of({'label': 1}) should raise ValueError: it is no training stage's data")
