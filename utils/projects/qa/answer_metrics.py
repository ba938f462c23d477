"""Answer-overlap scores for Q&A: token F1 and exact match over lower-cased alphanumeric tokens."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from utils.errors import check_pairs

TOKEN = re.compile(r"[a-z0-9]+")


def answer_tokens(text: str) -> list[str]:
    """Lower-cased runs of letters and digits: the same tokens rouge-score compares (without stemming)."""
    return TOKEN.findall(text.lower())


def token_f1(prediction: str, reference: str) -> float:
    """F1 of the bag of tokens shared by prediction and reference (SQuAD-style; 1.0 when both are empty)."""
    pred, ref = answer_tokens(prediction), answer_tokens(reference)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: str, reference: str) -> float:
    """1.0 when prediction and reference have the same tokens in the same order, else 0.0."""
    return float(answer_tokens(prediction) == answer_tokens(reference))


def mean_token_f1(predictions: Sequence[str], references: Sequence[str]) -> float:
    """Mean token F1 over pairs of predictions and references."""
    check_pairs(predictions, references, "as many predictions as references")
    return sum(map(token_f1, predictions, references)) / len(predictions)
