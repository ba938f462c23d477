"""utils.ner: aligning word labels to sub-word tokens and back, entity scores, the lookup baseline."""

from __future__ import annotations

import random

import numpy as np
import pytest
from transformers import PreTrainedTokenizerFast

from utils.ner import (
    IGNORE,
    align_labels_with_tokens,
    as_running_text,
    entity_scores,
    invented_name,
    lookup_tags,
    most_frequent_tags,
    split_words,
    swap_names,
    tags_from_predictions,
    tokenize_and_align,
    word_tags,
)
from utils.tokenizer import train_bpe, wrap

NAMES = ["O", "B-PER", "I-PER"]


@pytest.fixture(scope="module")
def tokenizer() -> PreTrainedTokenizerFast:
    texts = ["Kira Garrow told reporters in Eastmere that the deal is final."] * 20
    return wrap(train_bpe(texts, vocab_size=300), "encoder")


def test_align_labels_first_piece_only() -> None:
    assert align_labels_with_tokens([None, 0, 0, 1, None], [1, 0]) == [IGNORE, 1, IGNORE, 0, IGNORE]


def test_tokenize_and_align_matches_word_ids(tokenizer: PreTrainedTokenizerFast) -> None:
    batch = {"tokens": [["Kira", "Garrow", "told", "Zyxwv"]], "ner_tags": [[1, 2, 0, 1]]}
    encoded = tokenize_and_align(batch, tokenizer)
    word_ids, labels = encoded.word_ids(0), encoded["labels"][0]
    assert len(labels) == len(encoded["input_ids"][0])
    firsts = [i for i, w in enumerate(word_ids) if w is not None and (i == 0 or word_ids[i - 1] != w)]
    assert [labels[i] for i in firsts] == [1, 2, 0, 1]
    assert all(labels[i] == IGNORE for i in range(len(labels)) if i not in firsts)
    assert word_tags(word_ids, labels, ["O", "B-PER", "I-PER"] + ["X"] * 200) == ["B-PER", "I-PER", "O", "B-PER"]


def test_tags_from_predictions_drops_ignored_positions() -> None:
    logits = np.eye(3)[[[0, 1, 2, 0]]]  # (1, 4, 3): predicted ids 0, 1, 2, 0
    labels = np.array([[IGNORE, 1, 1, 0]])
    true, pred = tags_from_predictions(logits, labels, NAMES)
    assert true == [["B-PER", "B-PER", "O"]] and pred == [["B-PER", "I-PER", "O"]]


def test_entity_scores_are_entity_level() -> None:
    true = [["B-PER", "I-PER", "O", "B-PER"]]
    pred = [["B-PER", "O", "O", "B-PER"]]  # first span cut short: wrong entity
    assert entity_scores(true, pred) == pytest.approx({"precision": 0.5, "recall": 0.5, "f1": 0.5})


def test_lookup_baseline_and_split_words() -> None:
    sentences = [["Kira", "left"], ["Kira", "stayed"], ["Kira", "x"]]
    table = most_frequent_tags(sentences, [["B-PER", "O"], ["B-PER", "O"], ["O", "O"]])
    assert lookup_tags(["Kira", "unseen"], table) == ["B-PER", "O"]
    assert split_words("Kira Garrow's team paid $5.50, didn't it?") == [
        "Kira", "Garrow's", "team", "paid", "$", "5.50", ",", "didn't", "it", "?"]


def test_as_running_text_restores_spaces_before_words_only(tokenizer: PreTrainedTokenizerFast) -> None:
    assert as_running_text(["Kira", "told", "reporters", ",", "then", "left", "."]) == [
        "Kira", " told", " reporters", ",", " then", " left", "."]
    words = ["Kira", "told", "reporters"]
    split = tokenizer(as_running_text(words), is_split_into_words=True)["input_ids"]
    assert split == tokenizer(" ".join(words))["input_ids"]  # the same tokens as the sentence itself


def test_swap_names_replaces_entity_words_only() -> None:
    words, tags = ["Kira", "Garrow", "joined", "Bluefin", "."], [1, 2, 0, 3, 0]
    assert swap_names(words, tags, random.Random(0), rate=0.0) == words
    swapped = swap_names(words, tags, random.Random(0), rate=1.0)
    assert [w == s for w, s in zip(words, swapped, strict=True)] == [False, False, True, False, True]
    assert all(w[0].isupper() and w[1:].islower() and w.isalpha() for w in swapped[:2])
    assert swap_names(words, tags, random.Random(3), 0.5) == swap_names(words, tags, random.Random(3), 0.5)


def test_invented_names_are_new_words() -> None:
    rng = random.Random(0)
    names = {invented_name(rng) for _ in range(200)}
    assert len(names) > 150 and not names & {"Kira", "Garrow", "Bluefin"}
