"""Reference solutions for lesson 08's exercises."""

from __future__ import annotations

import re
from collections import Counter


def token_f1(prediction: str, reference: str) -> float:
    """F1 of the tokens (lower-cased [a-z0-9]+ runs) shared by prediction and reference, counted with multiplicity."""
    pred, ref = re.findall(r"[a-z0-9]+", prediction.lower()), re.findall(r"[a-z0-9]+", reference.lower())
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def heading_questions(heading: str) -> list[str]:
    """Questions a document section with this heading answers (see the templates in the lesson)."""
    if heading.endswith("?"):
        return [heading]
    topic = heading if heading[:2].isupper() else heading[:1].lower() + heading[1:]
    return [f"{heading}?", f"Help me with this: {topic}.", f"What do I need to know about this: {topic}?"]


def nearest_answer(query: str, questions: list[str], answers: list[str], threshold: float = 0.0) -> str | None:
    """The answer of the TF-IDF nearest question to query, or None if its cosine similarity is below threshold."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer()
    matrix = vectorizer.fit_transform(questions)
    sims = (vectorizer.transform([query]) @ matrix.T).toarray()[0]
    best = int(sims.argmax())
    return answers[best] if sims[best] >= threshold else None
