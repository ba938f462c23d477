"""utils.metrics: classification scores, baselines, ROUGE and n-gram overlap."""

from __future__ import annotations

import pytest

from utils.metrics import classification_scores, lead_sentences, majority_label, ngram_overlap, ngrams, rouge_scores


def test_classification_scores() -> None:
    scores = classification_scores([0, 0, 1, 1], [0, 1, 1, 1])
    assert scores["accuracy"] == 0.75
    assert scores["f1"] == pytest.approx((2 / 3 + 0.8) / 2)


def test_majority_label_breaks_ties_to_the_smallest() -> None:
    assert majority_label([2, 1, 2, 0]) == 2
    assert majority_label([1, 0, 1, 0]) == 0


def test_lead_sentences_keeps_numbers_whole() -> None:
    doc = "The fee is $1.50 per page. Payment is monthly!  Is it late? No."
    assert lead_sentences(doc, 1) == "The fee is $1.50 per page."
    assert lead_sentences(doc, 3) == "The fee is $1.50 per page. Payment is monthly! Is it late?"
    assert lead_sentences(doc, 10) == "The fee is $1.50 per page. Payment is monthly! Is it late? No."


def test_rouge_scores_identity_and_disjoint() -> None:
    same = rouge_scores(["the cat sat on the mat"], ["the cat sat on the mat"])
    assert same == pytest.approx({"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0})
    assert rouge_scores(["dogs bark"], ["the cat sat"])["rouge1"] == 0.0
    with pytest.raises(ValueError):
        rouge_scores(["a"], [])


def test_ngram_overlap() -> None:
    assert ngrams(["a", "b", "c"], 2) == [("a", "b"), ("b", "c")]
    corpus = ["the clinic opens at nine"]
    assert ngram_overlap(["the clinic opens late"], corpus, 2) == pytest.approx(2 / 3)
    assert ngram_overlap(["short"], corpus, 3) == 0.0
