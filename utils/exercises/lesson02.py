"""Visible checks for lesson 02's exercises (classification, NER, summarization); heavy imports at the top, so a grading
worker pays them once, not once per exercise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from rouge_score import rouge_scorer
from transformers import BertConfig, BertForSequenceClassification

from utils.checking import exercise, expect, expect_close, expect_int_list, expect_type


@exercise("2.1", "majority_baseline_accuracy")
def check_majority(majority_baseline_accuracy: Callable[[list, list], float]) -> None:
    """The accuracy on test of always predicting the most frequent training label (the smaller label on a tie)."""
    cases = [([0, 1, 1, 1], [1, 0, 1, 1], 0.75), ([2, 2, 0], [0, 0, 0, 2], 0.25), ([0, 1], [1, 1, 0], 1 / 3),
             ([3, 3, 3], [3, 3], 1.0)]
    for train, test, want in cases:
        got = majority_baseline_accuracy(list(train), list(test))
        expect_close(got, want, f"majority_baseline_accuracy({train}, {test})", rtol=1e-9, atol=1e-9)


def tiny_classifier() -> Any:
    """A 2-layer BERT classifier of width 16 built from a config (random weights, no download)."""
    torch.manual_seed(0)
    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=32, num_labels=3)
    return BertForSequenceClassification(config)


@exercise("2.2", "freeze_body")
def check_freeze_body(freeze_body: Callable[[Any], int]) -> None:
    """freeze_body freezes every parameter of the pretrained body, keeps the head trainable, and counts what is left."""
    model = tiny_classifier()
    got = freeze_body(model)
    expect_type(got, int, "freeze_body(model)")
    body = [f"bert.{n}" for n, p in model.bert.named_parameters() if p.requires_grad]
    expect(not body, f"the body should be frozen, but {len(body)} of its tensors still train (e.g. {body[:1]}).")
    head = [f"classifier.{n}" for n, p in model.classifier.named_parameters() if not p.requires_grad]
    expect(not head, f"the classification head should stay trainable, but {head} are frozen.")
    want = sum(p.numel() for p in model.classifier.parameters())
    expect(got == want, f"freeze_body should return the number of trainable parameters ({want}: the head's "
                        f"16 x 3 weights and 3 biases), got {got}.")


@exercise("2.3", "align_labels")
def check_align_labels(align_labels: Callable[[list, list], list]) -> None:
    """align_labels puts each word's label on its first token and -100 on special tokens and later pieces."""
    cases = [
        ([None, 0, 1, 1, 2, None], [1, 0, 5], [-100, 1, 0, -100, 5, -100]),
        ([None, 0, 0, 0, None], [3], [-100, 3, -100, -100, -100]),
        ([0, 1, 2], [4, 4, 0], [4, 4, 0]),
        ([None, 0, 1, 1, None, None], [7, 8], [-100, 7, 8, -100, -100, -100]),
    ]
    for word_ids, labels, want in cases:
        got = align_labels(list(word_ids), list(labels))
        what = f"align_labels({word_ids}, {labels})"
        expect_int_list(got, want, what)


@exercise("2.4", "bio_spans")
def check_bio_spans(bio_spans: Callable[[list], list]) -> None:
    """bio_spans reads BIO tags into (type, first, last) entity spans, the way seqeval does."""
    cases = [
        (["B-PER", "I-PER", "O", "B-LOC"], [("PER", 0, 1), ("LOC", 3, 3)]),
        (["O", "O"], []),
        (["B-ORG", "B-ORG", "I-ORG", "I-ORG"], [("ORG", 0, 0), ("ORG", 1, 3)]),
        (["I-MISC", "I-MISC", "O", "I-PER"], [("MISC", 0, 1), ("PER", 3, 3)]),
        (["B-PER", "I-LOC", "I-LOC"], [("PER", 0, 0), ("LOC", 1, 2)]),
        (["O", "B-LOC", "I-LOC"], [("LOC", 1, 2)]),
    ]
    for tags, want in cases:
        got = bio_spans(list(tags))
        what = f"bio_spans({tags})"
        expect_type(got, list, what)
        expect(all(type(s) is tuple and len(s) == 3 for s in got), f"{what} should be a list of (type, first, last).")
        expect(all(type(t) is str and type(a) is int and type(b) is int for t, a, b in got),
               f"{what}: each span is (str, int, int).")
        expect(got == want, f"{what} should be {want}, got {got}.")


@exercise("2.5", "lead_n")
def check_lead_n(lead_n: Callable[[str, int], str]) -> None:
    """lead_n keeps the first n sentences (ending in . ! or ?) of a document, joined by single spaces."""
    doc = "The lease starts in May. Rent is $900!  Is a deposit due? Yes, one month."
    cases = [(1, "The lease starts in May."), (2, "The lease starts in May. Rent is $900!"),
             (3, "The lease starts in May. Rent is $900! Is a deposit due?"),
             (9, "The lease starts in May. Rent is $900! Is a deposit due? Yes, one month.")]
    for n, want in cases:
        got = lead_n(doc, n)
        expect_type(got, str, f"lead_n(doc, {n})")
        expect(got == want, f"lead_n(doc, {n}) should be {want!r}, got {got!r}.")
    got = lead_n("The fee is $1.50 per page. Payment is due monthly.", 1)
    expect(got == "The fee is $1.50 per page.", "a full stop inside a number ($1.50) does not end a sentence: "
                                                f"lead_n(..., 1) should be 'The fee is $1.50 per page.', got {got!r}.")


@exercise("2.6", "rouge1_f1")
def check_rouge1(rouge1_f1: Callable[[str, str], float]) -> None:
    """rouge1_f1 matches the rouge-score library's ROUGE-1 F1 (no stemming) on several pairs."""
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=False)
    pairs = [("the cat sat on the mat", "the cat sat on the mat"),
             ("The cat, the CAT sat!", "the cat sat on the mat"),
             ("Rent is $1,200 a month.", "The rent is 1,200 dollars per month"),
             ("the the the", "the cat"), ("dogs bark", "the cat sat"), ("", "the cat")]
    for prediction, reference in pairs:
        got = rouge1_f1(prediction, reference)
        want = scorer.score(reference, prediction)["rouge1"].fmeasure
        expect_close(got, want, f"rouge1_f1({prediction!r}, {reference!r})", rtol=1e-6, atol=1e-9)
