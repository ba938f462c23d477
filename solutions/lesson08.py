"""Reference solutions for lesson 08's exercises."""

from __future__ import annotations

from typing import Any


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


def rag_messages(system: str, question: str, passages: list[str], tokenizer: Any,
                 max_tokens: int) -> list[dict[str, str]]:
    """Chat messages with as many of the ranked passages as fit: the whole prompt stays within max_tokens."""

    def messages(kept: list[str]) -> list[dict[str, str]]:
        context = "".join(f"\n[{i}] {p}" for i, p in enumerate(kept, 1))
        content = f"{system}\n\nKnown answers:{context}" if kept else system
        return [{"role": "system", "content": content}, {"role": "user", "content": question}]

    def length(candidate: list[dict[str, str]]) -> int:
        return len(tokenizer.apply_chat_template(candidate, add_generation_prompt=True)["input_ids"])

    if length(messages([])) > max_tokens:
        raise ValueError(f"the prompt without passages is longer than max_tokens={max_tokens}")
    kept = 0
    while kept < len(passages) and length(messages(passages[: kept + 1])) <= max_tokens:
        kept += 1
    return messages(passages[:kept])
