"""Arithmetic problems with a checkable answer (task `arithmetic`; lesson 11: RL with verifiable rewards)."""

from __future__ import annotations

from .common import Row, rng_for

ARITHMETIC_MAX = 9  # operands 1..9: sums up to 18, differences 0..8
ADD_FRAMES = ("What is {a} + {b}?", "What is {a} plus {b}?")
SUB_FRAMES = ("What is {a} - {b}?", "What is {a} minus {b}?")


def arithmetic_row(a: int, op: str, b: int, frame: str) -> Row:
    """One problem `a op b` in `frame`: the user's question, the worked answer ending in `The answer is <n>.`, and
    <n>."""
    answer = a + b if op == "+" else a - b
    return {"prompt": [{"role": "user", "content": frame.format(a=a, b=b)}],
            "completion": [{"role": "assistant", "content": f"{a} {op} {b} = {answer}. The answer is {answer}."}],
            "answer": answer}


def make_arithmetic() -> dict[str, list[Row]]:
    """Additions and subtractions of numbers 1..9 (differences never negative), each in two wordings: 252
    questions, 60 held out for test; train draws 1600 rows from the other 192. A held-out question's sum may occur
    in train in its other wording (a tiny model cannot learn arithmetic it never saw)."""
    rng = rng_for("arithmetic")
    digits = range(1, ARITHMETIC_MAX + 1)
    problems = [(a, "+", b, frame) for a in digits for b in digits for frame in ADD_FRAMES]
    problems += [(a, "-", b, frame) for a in digits for b in digits if b <= a for frame in SUB_FRAMES]
    rng.shuffle(problems)
    test, train = problems[:60], problems[60:]
    return {"train": [arithmetic_row(*rng.choice(train)) for _ in range(1600)],
            "test": [arithmetic_row(*problem) for problem in test]}
