"""Token classification helpers: word labels aligned to sub-word tokens (-100 elsewhere), and back to word tags."""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from transformers import PreTrainedTokenizerBase

IGNORE = -100  # the label id PyTorch's cross-entropy skips (its default ignore_index)
WORD_PATTERN = re.compile(r"\w+(?:[-'.]\w+)*|[^\w\s]")  # how data/ner splits sentences into words
NAME_PARTS = ("BCDFGHKLMNPRSTVWZ", ("a", "e", "i", "o", "u", "ar", "en", "il", "or", "an", "el", "ow", "ey"),
              "bdfgklmnprstvz")  # invented names: a capital consonant, then 1-3 (vowel sound + consonant) syllables


def split_words(text: str) -> list[str]:
    """Split a sentence into words and punctuation the way the course's NER data is split."""
    return WORD_PATTERN.findall(text)


def as_running_text(words: Sequence[str]) -> list[str]:
    """Words with the space that precedes them in running text (none before the first word or punctuation)."""
    return [w if i == 0 or not w[:1].isalnum() else " " + w for i, w in enumerate(words)]


def align_labels_with_tokens(word_ids: Sequence[int | None], word_labels: Sequence[int]) -> list[int]:
    """One label per token: the word's label on the first piece of each word, -100 on later pieces and specials."""
    labels, previous = [], None
    for word in word_ids:
        labels.append(IGNORE if word is None or word == previous else word_labels[word])
        previous = word
    return labels


def tokenize_and_align(batch: dict, tokenizer: PreTrainedTokenizerBase, max_length: int = 128) -> dict:
    """For `Dataset.map(batched=True)`: tokenize pre-split words as running text; add aligned `labels` (ner_tags)."""
    words = [as_running_text(sentence) for sentence in batch["tokens"]]
    encoded = tokenizer(words, is_split_into_words=True, truncation=True, max_length=max_length)
    encoded["labels"] = [align_labels_with_tokens(encoded.word_ids(i), tags)
                         for i, tags in enumerate(batch["ner_tags"])]
    return encoded


def tags_from_predictions(predictions: np.ndarray, label_ids: np.ndarray,
                          names: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    """(true tags, predicted tags) per sentence, from logits or class ids, keeping only positions labelled != -100."""
    if predictions.ndim == 3:
        predictions = predictions.argmax(-1)
    true, pred = [], []
    for p_row, l_row in zip(predictions, label_ids, strict=True):
        keep = l_row != IGNORE
        true.append([names[i] for i in l_row[keep]])
        pred.append([names[i] for i in p_row[keep]])
    return true, pred


def entity_scores(true_tags: list[list[str]], pred_tags: list[list[str]]) -> dict[str, float]:
    """Entity-level precision, recall and F1 (seqeval, micro-averaged): an entity counts only if span and type match."""
    from seqeval.metrics import f1_score, precision_score, recall_score

    return {"precision": float(precision_score(true_tags, pred_tags, zero_division=0)),
            "recall": float(recall_score(true_tags, pred_tags, zero_division=0)),
            "f1": float(f1_score(true_tags, pred_tags, zero_division=0))}


def word_tags(word_ids: Sequence[int | None], token_predictions: Sequence[int], names: Sequence[str]) -> list[str]:
    """Tag each word with the prediction of its first token (the inverse of `align_labels_with_tokens`)."""
    tags: dict[int, str] = {}
    for word, prediction in zip(word_ids, token_predictions, strict=True):
        if word is not None and word not in tags:
            tags[word] = names[int(prediction)]
    return [tags[w] for w in sorted(tags)]


def most_frequent_tags(sentences: Sequence[Sequence[str]], tags: Sequence[Sequence[str]]) -> dict[str, str]:
    """A lookup baseline's table: each training word's most frequent tag (the first seen on a tie)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for words, labels in zip(sentences, tags, strict=True):
        for word, tag in zip(words, labels, strict=True):
            counts[word][tag] += 1
    return {word: counter.most_common(1)[0][0] for word, counter in counts.items()}


def lookup_tags(words: Sequence[str], table: dict[str, str]) -> list[str]:
    """Tag words with a `most_frequent_tags` table; words never seen in training are "O"."""
    return [table.get(word, "O") for word in words]


def invented_name(rng: random.Random) -> str:
    """A made-up capitalised word such as "Kikiver": a name no training sentence contains."""
    first, vowels, consonants = NAME_PARTS
    return rng.choice(first) + "".join(rng.choice(vowels) + rng.choice(consonants) for _ in range(rng.randint(1, 3)))


def swap_names(words: Sequence[str], tags: Sequence[int], rng: random.Random, rate: float,
               outside: int = 0) -> list[str]:
    """Replace each entity word (tag != `outside`) by an invented name with probability `rate`; tags stay valid."""
    return [invented_name(rng) if tag != outside and rng.random() < rate else word
            for word, tag in zip(words, tags, strict=True)]
