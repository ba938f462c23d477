"""Reference solutions for lesson 02's exercises (NER labels and spans, ROUGE-1, a mean-pooling classifier)."""

from __future__ import annotations

import re
from collections import Counter

import torch
from torch import nn
from transformers.modeling_outputs import SequenceClassifierOutput


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


def rouge1_f1(prediction: str, reference: str) -> float:
    """ROUGE-1 F1: clipped unigram overlap of lower-cased alphanumeric words, as rouge-score computes it."""
    pred, ref = (Counter(re.findall(r"[a-z0-9]+", text.lower())) for text in (prediction, reference))
    overlap = sum((pred & ref).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(ref.values())
    return 2 * precision * recall / (precision + recall)


class MeanPoolClassifier(nn.Module):
    """A linear classification head on the mean of a pretrained body's token vectors (padding left out)."""

    def __init__(self, body: nn.Module, num_labels: int, freeze_body: bool = False) -> None:
        super().__init__()
        self.body = body
        self.classifier = nn.Linear(body.config.hidden_size, num_labels)
        if freeze_body:
            self.body.requires_grad_(False)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                labels: torch.Tensor | None = None) -> SequenceClassifierOutput:
        """Logits from the masked mean of the body's last hidden states; the cross-entropy loss given labels."""
        states = self.body(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(dim=1) / mask.sum(dim=1)
        logits = self.classifier(pooled)
        loss = nn.functional.cross_entropy(logits, labels) if labels is not None else None
        return SequenceClassifierOutput(loss=loss, logits=logits)
