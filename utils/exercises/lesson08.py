"""Visible checks for lesson 08's exercises (token F1, questions from headings, the nearest-answer retriever)."""

from __future__ import annotations

from collections.abc import Callable

from sklearn.feature_extraction.text import TfidfVectorizer

from utils.checking import exercise, expect, expect_close, expect_type


@exercise("8.1", "token_f1")
def check_token_f1(token_f1: Callable[[str, str], float]) -> None:
    """token_f1 is the F1 of shared lower-cased alphanumeric tokens, counted with multiplicity."""
    cases = [("Click SAVE.", "click save", 1.0), ("the the cat", "the cat sat", 2 / 3), ("30 days", "30 day", 0.5),
             ("Open Settings > Account", "Open Settings, then Account > Save", 2 * (3 / 3) * (3 / 5) / (3 / 3 + 3 / 5)),
             ("no overlap", "different words", 0.0), ("", "", 1.0), ("something", "", 0.0), ("", "something", 0.0),
             ("a a a", "a", 0.5)]
    for prediction, reference, want in cases:
        got = token_f1(prediction, reference)
        expect_close(got, want, f"token_f1({prediction!r}, {reference!r})", rtol=1e-9, atol=1e-9)


@exercise("8.2", "heading_questions")
def check_heading_questions(heading_questions: Callable[[str], list[str]]) -> None:
    """heading_questions keeps a question heading and fills three templates for any other heading."""
    cases = [("Can guests edit files?", ["Can guests edit files?"]),
             ("Reset your password", ["Reset your password?", "Help me with this: reset your password.",
                                      "What do I need to know about this: reset your password?"]),
             ("SSO setup", ["SSO setup?", "Help me with this: SSO setup.",
                            "What do I need to know about this: SSO setup?"])]
    for heading, want in cases:
        got = heading_questions(heading)
        expect_type(got, list, f"heading_questions({heading!r})")
        expect(all(type(q) is str for q in got), f"heading_questions({heading!r}) should hold only strings.")
        expect(got == want, f"heading_questions({heading!r}) should be {want}, got {got}.")


@exercise("8.3", "nearest_answer")
def check_nearest_answer(nearest_answer: Callable[..., str | None]) -> None:
    """nearest_answer returns the answer of the TF-IDF nearest question, or None below the threshold."""
    questions = ["How do I reset my password?", "How much does the Pro plan cost?", "Can I delete my account?",
                 "Where are your data centres?"]
    answers = ["Click Forgot password.", "Pro costs 10 dollars a month.", "Yes, in Settings.", "Oslo and Lisbon."]
    vectorizer = TfidfVectorizer().fit(questions)
    for query, threshold in [("I forgot my password", 0.0), ("price of the pro plan", 0.0), ("delete account", 0.1),
                             ("where is my data stored", 0.0), ("price of the pro plan", 0.99),
                             ("pizza recipe", 0.05)]:
        sims = (vectorizer.transform([query]) @ vectorizer.transform(questions).T).toarray()[0]
        want = answers[int(sims.argmax())] if sims.max() >= threshold else None
        got = nearest_answer(query, list(questions), list(answers), threshold)
        what = f"nearest_answer({query!r}, ..., threshold={threshold})"
        if want is None:
            expect(got is None, f"{what} should be None (best similarity {sims.max():.2f} is below the threshold), "
                                f"got {got!r}.")
        else:
            expect_type(got, str, what)
            expect(got == want, f"{what} should be {want!r}, got {got!r}.")
