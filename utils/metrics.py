"""Scores and baselines the lessons compare models with: accuracy/F1, majority class, lead-n, ROUGE, n-gram overlap."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from utils.errors import check_pairs

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


def classification_scores(labels: Sequence[int], predictions: Sequence[int]) -> dict[str, float]:
    """Accuracy and macro-averaged F1 (scikit-learn) of predicted class ids against true ones."""
    from sklearn.metrics import accuracy_score, f1_score

    return {"accuracy": float(accuracy_score(labels, predictions)),
            "f1": float(f1_score(labels, predictions, average="macro", zero_division=0))}


def majority_label(labels: Sequence[int]) -> int:
    """The most frequent label (the smallest one on a tie): what a majority-class baseline always predicts."""
    counts = Counter(labels)
    return min(counts, key=lambda label: (-counts[label], label))


def lead_sentences(document: str, n: int = 1) -> str:
    """The first `n` sentences of `document`: the lead-n summarization baseline."""
    return " ".join(SENTENCE_END.split(document.strip())[:n])


def rouge_scores(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Mean ROUGE-1, ROUGE-2 and ROUGE-L F1 (rouge-score, Porter stemming) of predictions against references."""
    from rouge_score import rouge_scorer

    check_pairs(predictions, references, "as many predictions as references")
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for prediction, reference in zip(predictions, references, strict=True):
        for name, score in scorer.score(reference, prediction).items():
            totals[name] += score.fmeasure
    return {name: total / len(predictions) for name, total in totals.items()}


def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """The word n-grams of a sequence of words, in order."""
    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]


def ngram_overlap(texts: Sequence[str], corpus: Sequence[str], n: int = 3) -> float:
    """Share of the word n-grams of `texts` that also occur somewhere in `corpus` (0 when texts have none)."""
    seen = {gram for doc in corpus for gram in ngrams(doc.split(), n)}
    grams = [gram for text in texts for gram in ngrams(text.split(), n)]
    return sum(gram in seen for gram in grams) / len(grams) if grams else 0.0
