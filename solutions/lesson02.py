"""Reference solutions for lesson 02's exercises (classification, NER, summarization)."""

from __future__ import annotations

import re
from collections import Counter

from torch import nn


def majority_baseline_accuracy(train_labels: list[int], test_labels: list[int]) -> float:
    """Accuracy on test_labels of always predicting the most frequent train label (the smallest on a tie)."""
    counts = Counter(train_labels)
    majority = min(counts, key=lambda label: (-counts[label], label))
    return sum(label == majority for label in test_labels) / len(test_labels)


def freeze_body(model: nn.Module) -> int:
    """Freeze the pretrained body (model.base_model), keep the head trainable; return the trainable parameter count."""
    model.base_model.requires_grad_(False)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def align_labels(word_ids: list[int | None], word_labels: list[int]) -> list[int]:
    """One label per token: the word's label on its first token, -100 on special tokens and on later pieces."""
    labels, previous = [], None
    for word in word_ids:
        labels.append(-100 if word is None or word == previous else word_labels[word])
        previous = word
    return labels


def bio_spans(tags: list[str]) -> list[tuple[str, int, int]]:
    """Entities in BIO tags as (type, first index, last index); a B- tag, or an I- tag of a new type, starts one."""
    spans: list[tuple[str, int, int]] = []
    for i, tag in enumerate(tags):
        if tag == "O":
            continue
        prefix, kind = tag.split("-", 1)
        if prefix == "I" and spans and spans[-1][0] == kind and spans[-1][2] == i - 1:
            spans[-1] = (kind, spans[-1][1], i)
        else:
            spans.append((kind, i, i))
    return spans


def lead_n(document: str, n: int) -> str:
    """The first n sentences of document (a sentence ends in . ! or ? followed by whitespace), space-joined."""
    return " ".join(re.split(r"(?<=[.!?])\s+", document.strip())[:n])


def rouge1_f1(prediction: str, reference: str) -> float:
    """ROUGE-1 F1: clipped unigram overlap of lower-cased alphanumeric words, as rouge-score computes it."""
    pred, ref = (Counter(re.findall(r"[a-z0-9]+", text.lower())) for text in (prediction, reference))
    overlap = sum((pred & ref).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)
