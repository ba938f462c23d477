"""Retrieval for Q&A: answer with the stored answer of the most similar known question, by the cosine similarity of
TF-IDF vectors (tiny) or of sentence embeddings (small, full)."""

from __future__ import annotations

import copy
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Self

import numpy as np
import torch
from sklearn.feature_extraction.text import TfidfVectorizer

from utils.course.profiles import Profile
from utils.errors import check_pairs

EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"  # small and full: 22.7M parameters, 384-d embeddings
FALLBACK = "I don't know; let me pass you to a human agent."


class Retriever(ABC):
    """Nearest known question by cosine similarity; its answer is the reply (or `fallback` below `threshold`).
    Subclasses say how texts are compared (`similarities`)."""

    def __init__(self, questions: Sequence[str], answers: Sequence[str], threshold: float = 0.0,
                 fallback: str = FALLBACK) -> None:
        """Remember the answers (`answers[i]` replies to `questions[i]`), the threshold and the fallback reply."""
        check_pairs(questions, answers, "as many answers as questions")
        self.answers = list(answers)
        self.threshold = threshold
        self.fallback = fallback

    @abstractmethod
    def similarities(self, queries: Sequence[str]) -> np.ndarray:
        """Cosine similarity of each query to each indexed question, shape (len(queries), len(questions))."""

    def best(self, queries: Sequence[str]) -> list[tuple[int, float]]:
        """(index, similarity) of the closest indexed question for each query."""
        sims = self.similarities(queries)
        return [(int(i), float(row[i])) for row, i in zip(sims, sims.argmax(axis=1), strict=True)]

    def answer(self, queries: Sequence[str]) -> list[str]:
        """The stored answer of each query's closest question, or the fallback when the similarity is too low."""
        return [self.answers[i] if score >= self.threshold else self.fallback for i, score in self.best(queries)]

    def updated(self, answers: Sequence[str] | None = None, threshold: float | None = None) -> Self:
        """A copy with new answers and/or another threshold that shares this one's index (nothing is re-embedded)."""
        new = copy.copy(self)
        if answers is not None:
            check_pairs(self.answers, answers, "as many new answers as indexed questions")
            new.answers = list(answers)
        new.threshold = self.threshold if threshold is None else threshold
        return new


class TfidfRetriever(Retriever):
    """Questions as TF-IDF vectors: words minus English stop words, 1 + log tf, L2-normalised (scikit-learn)."""

    def __init__(self, questions: Sequence[str], answers: Sequence[str], threshold: float = 0.0,
                 fallback: str = FALLBACK) -> None:
        """Fit the vectorizer on `questions` and index them."""
        super().__init__(questions, answers, threshold, fallback)
        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(list(questions))

    def similarities(self, queries: Sequence[str]) -> np.ndarray:
        """Dot products of L2-normalised TF-IDF rows: their cosine similarities."""
        return (self.vectorizer.transform(list(queries)) @ self.matrix.T).toarray()


def mean_pool(hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
    """Mean of the token vectors (batch, tokens, dim) over the real tokens only (attention mask 1): (batch, dim)."""
    mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


@torch.no_grad()
def sentence_embeddings(model: Any, tokenizer: Any, texts: Sequence[str], batch_size: int = 64,
                        max_length: int = 256) -> torch.Tensor:
    """L2-normalised mean-pooled last hidden states of an encoder (the recipe all-MiniLM-L6-v2 was trained with),
    one fp32 row per text, on the CPU."""
    rows = []
    for start in range(0, len(texts), batch_size):
        enc = tokenizer(list(texts[start : start + batch_size]), padding=True, truncation=True, max_length=max_length,
                        return_tensors="pt").to(model.device)
        hidden = model(**enc).last_hidden_state
        rows.append(torch.nn.functional.normalize(mean_pool(hidden.float(), enc["attention_mask"]), dim=-1).cpu())
    return torch.cat(rows)


class EmbeddingRetriever(Retriever):
    """Questions as sentence embeddings of an encoder (mean pooling over the attention mask, L2-normalised)."""

    def __init__(self, questions: Sequence[str], answers: Sequence[str], model: Any, tokenizer: Any,
                 threshold: float = 0.0, fallback: str = FALLBACK, batch_size: int = 64) -> None:
        """Embed `questions` with `model` (put in eval mode: no dropout) and index them."""
        super().__init__(questions, answers, threshold, fallback)
        self.model, self.tokenizer, self.batch_size = model.eval(), tokenizer, batch_size
        self.matrix = sentence_embeddings(model, tokenizer, questions, batch_size)

    def similarities(self, queries: Sequence[str]) -> np.ndarray:
        """Dot products of unit-length embeddings: their cosine similarities."""
        return (sentence_embeddings(self.model, self.tokenizer, queries, self.batch_size) @ self.matrix.T).numpy()


def make_retriever(questions: Sequence[str], answers: Sequence[str], profile: Profile, **kwargs: Any) -> Retriever:
    """The profile's retriever, same interface everywhere: TF-IDF in tiny (no model, offline), embeddings of
    EMBEDDING_MODEL in small and full; `kwargs` (threshold, fallback) go to its constructor."""
    if profile.name == "tiny":
        return TfidfRetriever(questions, answers, **kwargs)
    from transformers import AutoModel, AutoTokenizer

    from utils.course.models import from_hub, load_model

    model, tokenizer = load_model(AutoModel, EMBEDDING_MODEL), from_hub(AutoTokenizer, EMBEDDING_MODEL)
    return EmbeddingRetriever(questions, answers, model, tokenizer, **kwargs)
