"""Visible checks for lesson 08's exercises (questions from headings, the nearest-answer retriever, a RAG prompt
under a token budget)."""

from __future__ import annotations

from collections.abc import Callable

from sklearn.feature_extraction.text import TfidfVectorizer

from utils.checking import exercise, expect, expect_type
from utils.course.data import HELPDESK_SYSTEM
from utils.course.models import load_tokenizer  # imported with the module: the grader imports checks once, then forks
from utils.projects.qa.rag import prompt_length, rag_prompt
from utils.projects.qa.rag import rag_messages as reference_rag_messages


@exercise("8.1", "heading_questions")
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


@exercise("8.2", "nearest_answer")
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


@exercise("8.3", "rag_messages")
def check_rag_messages(rag_messages: Callable[..., list[dict[str, str]]]) -> None:
    """rag_messages keeps the longest prefix of the ranked passages whose chat prompt fits the token budget."""
    tokenizer = load_tokenizer("chat")
    question = "How can I change the name on my account?"
    passages = ["Open Settings > Account, edit the Name field and click Save.",
                "Only an administrator can rename a team workspace; ask yours in Settings > Members.",
                "Yes.", "Deleted files stay in the Trash for 30 days before they are removed for good."]
    lengths = [prompt_length(tokenizer, rag_prompt(HELPDESK_SYSTEM, question, passages[:k])) for k in range(5)]
    # Budgets on each boundary (a prompt of exactly max_tokens fits), one token below it, and above everything.
    budgets = [lengths[0], lengths[1] - 1, lengths[1], lengths[2] - 1, lengths[2], lengths[3] - 1, lengths[4],
               lengths[4] + 100]
    for max_tokens in budgets:
        what = f"rag_messages(system, question, passages, tokenizer, max_tokens={max_tokens})"
        got = rag_messages(HELPDESK_SYSTEM, question, list(passages), tokenizer, max_tokens)
        want = reference_rag_messages(HELPDESK_SYSTEM, question, passages, tokenizer, max_tokens)
        kept = sum(p in want[0]["content"] for p in passages)
        expect_type(got, list, what)
        expect(len(got) == 2 and all(type(m) is dict for m in got), f"{what} should be a list of two dicts "
               "(the system message, then the user's question).")
        expect(all(type(m.get("role")) is str and type(m.get("content")) is str for m in got),
               f"{what}: each message needs a string 'role' and a string 'content'.")
        expect(got[0]["role"] == "system" and got[1] == want[1], f"{what} should be [system message, "
               f"{want[1]}], got roles {[m['role'] for m in got]} and user turn {got[1]!r}.")
        included = [p in got[0]["content"] for p in passages]
        if got[0]["content"] != want[0]["content"]:
            expect(included == sorted(included, reverse=True), f"{what} kept passage(s) "
                   f"{[i + 1 for i, kept_it in enumerate(included) if kept_it]} of {len(passages)}: stop at the first "
                   "passage that does not fit; the passages are ranked, so never skip one for a shorter one further "
                   "down.")
            expect(sum(included) == kept, f"{what} should keep the first {kept} passage(s): the whole prompt with "
                   f"them is {lengths[kept]} tokens, with one more it is {lengths[min(kept + 1, 4)]}; it kept "
                   f"{sum(included)}. Count the tokens of the whole chat prompt: system prompt, question and the "
                   "assistant's opening (add_generation_prompt=True) included.")
            expect(False, f"{what} has the right passages but not the layout: the system message should be "
                   f"{want[0]['content']!r}, got {got[0]['content']!r}.")
    try:
        rag_messages(HELPDESK_SYSTEM, question, list(passages), tokenizer, lengths[0] - 1)
    except ValueError:
        return
    expect(False, f"with max_tokens={lengths[0] - 1}, even the prompt without passages ({lengths[0]} tokens) does "
                  "not fit: rag_messages should raise ValueError.")
