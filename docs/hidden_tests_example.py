"""Example hidden tests for lesson 00: `python -m utils.grade SUBMISSIONS --tests docs/hidden_tests_example.py`.

A hidden-tests file is Python that registers checks with the decorator of the visible checks
(utils/exercises/lessonNN.py). A check registered here for an exercise ADDS to the visible one: the exercise is worth
the points of both, and each earns its own points when it passes. Checks for other lessons are ignored, so one file
may serve the whole course; a folder of such files adds one check per file.

Learners never see this file. Their feedback shows the sentence a failing check raises, so word sentences that say
what is wrong without giving away the hidden inputs or answers. The file runs in the grader's sandbox (no network,
no subprocesses) and must not read files of its own: the grader hands its source to the workers, not its path.
"""

from __future__ import annotations

from collections.abc import Callable

from utils.checking import exercise, expect


@exercise("0.1", "choose_profile", points=1)
def hidden_choose_profile(choose_profile: Callable[[str, bool], str]) -> None:
    """Spacing and case the visible check does not try, and a GPU that must not override the variable."""
    for env, gpu, want in [("\tFull\n", False, "full"), ("SMALL", True, "small"), ("   ", True, "full")]:
        got = choose_profile(env, gpu)
        expect(type(got) is str and got == want, "choose_profile mishandles some spacing or case in the variable.")


@exercise("0.2", "weight_bytes", points=2)
def hidden_weight_bytes(weight_bytes: Callable[[int, str], float]) -> None:
    """Odd counts in 4 bits and counts past 32-bit integers; the expected value is computed, never shown."""
    for n, dtype, bits in [(7, "nf4", 4), (3_000_000_001, "fp16", 16), (1, "int8", 8)]:
        got = weight_bytes(n, dtype)
        expect(type(got) in (int, float), f"weight_bytes should return a number, got {type(got).__name__}.")
        expect(abs(got - n * bits / 8) <= 1e-9 * n * bits, f"weight_bytes is wrong for some sizes in {dtype}.")


@exercise("0.3", "stage_of", points=1)
def hidden_stage_of(stage_of: Callable[[dict], str]) -> None:
    """The visible check's shapes with other values, so answers hard-coded to the visible examples fail."""
    cases = [({"text": ""}, "pretraining"), ({"prompt": "Translate: chat", "completion": "chat"}, "sft"),
             ({"messages": [{"role": "user", "content": "Hi"}]}, "sft"),
             ({"prompt": "2+2?", "chosen": "4", "rejected": "5"}, "alignment")]
    for example, want in cases:
        got = stage_of(example)
        expect(type(got) is str and got == want, "stage_of names the wrong stage for some examples.")
