"""Retrieval baseline for Q&A: answer with the stored answer of the most similar known question (TF-IDF cosine)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from utils.errors import check_pairs


class TfidfRetriever:
    """Nearest known question by TF-IDF cosine similarity; its answer is the reply (or `fallback` below `threshold`)."""

    def __init__(self, questions: Sequence[str], answers: Sequence[str], threshold: float = 0.0,
                 fallback: str = "I don't know; let me pass you to a human agent.") -> None:
        """Index `questions` (words minus English stop words, 1 + log tf); `answers[i]` replies to `questions[i]`."""
        check_pairs(questions, answers, "as many answers as questions")
        self.answers = list(answers)
        self.threshold = threshold
        self.fallback = fallback
        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(list(questions))

    def similarities(self, queries: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each query to each indexed question, shape (len(queries), len(questions))."""
        return (self.vectorizer.transform(list(queries)) @ self.matrix.T).toarray()

    def best(self, queries: Sequence[str]) -> list[tuple[int, float]]:
        """(index, similarity) of the closest indexed question for each query."""
        sims = self.similarities(queries)
        return [(int(i), float(row[i])) for row, i in zip(sims, sims.argmax(axis=1), strict=True)]

    def answer(self, queries: Sequence[str]) -> list[str]:
        """The stored answer of each query's closest question, or the fallback when the similarity is too low."""
        return [self.answers[i] if score >= self.threshold else self.fallback for i, score in self.best(queries)]
