"""The pretraining corpus (task `pretrain`): prose from every other domain, never in question-and-answer form."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from functools import partial

from .common import CITIES, CLINIC, COMPANY, Row, rng_for
from .helpdesk import (
    FACTS,
    HELPDESK_SYSTEM_PROMPTS,
    NEEDLESS_REFUSALS,
    NON_ANSWERS,
    RAMBLE_SENTENCES,
    RUDE_ANSWERS,
    TOPIC_WORDS,
    helpdesk_questions,
)
from .legal import LEGAL_KINDS, legal_sentences
from .news import news_sentence
from .reviews import review
from .triage import (
    COMPLAINTS,
    DISCLAIMER,
    DRUGS,
    LEVEL_COUNTS,
    LEVEL_GUIDANCE,
    LEVELS,
    REFUSALS,
    TRIAGE_SYSTEM_PROMPTS,
    make_triage,
    make_triage_preferences,
    triage_case,
)

ARTICLE_INTROS_TASK = ("This article explains how to {a}.", "Customers often want to {a}.", "Here is how to {a}.",
                       "Sometimes you need to {a}.")
ARTICLE_INTROS_TOPIC = ("This article covers {t}.", "This page is about {t}.", "Read on for details about {t}.")
ARTICLE_EXTRAS = (
    "If the steps do not work, open Help > Contact support.",
    "Most changes take effect right away.",
    "The help center has more articles on this topic.",
    "Screens in this article show the Business plan; other plans look the same.",
    "Admins can see more options under Settings > Team.",
    f"{COMPANY} updates this article whenever the console changes.",
)
HEALTH_GENERAL = (
    f"The {CLINIC} triage desk sorts every message into one of four levels: emergency, urgent, routine or self-care.",
    "An emergency means calling emergency services at once, while urgent problems should be seen the same day.",
    "Routine problems can wait for a regular appointment in the next days or weeks.",
    "Self-care problems usually get better at home with rest, fluids and advice from a pharmacist.",
    f"Each answer from the triage desk starts with the triage level and ends with the words: {DISCLAIMER}",
    "Keep a list of your medicines and allergies to show the clinic.",
    "Drink plenty of water when you have a fever, and rest as much as you can.",
    "Only a pharmacist or clinician should advise on the dose of any medicine.",
    "The triage assistant never prescribes medicine and never names a disease.",
    "Children and older people can become unwell faster, so watch them closely.",
    "If symptoms get worse or new symptoms appear, contact the clinic again.",
    "Wash your hands often to stop infections from spreading at home.",
    "Most colds and sore throats get better within a week without treatment.",
    f"The clinic in Lindenfield is open on weekdays from eight in the morning, and {CLINIC} staff answer calls.",
    f"Medicines such as {DRUGS[0]}, {DRUGS[1]} and {DRUGS[2]} must be taken only as a pharmacist or clinician says.",
)


def helpdesk_article(rng: random.Random) -> str:
    """A short help-center article: a title, an introduction, the procedure, and sometimes a related note."""
    fact = rng.choice(FACTS)
    if fact.actions:
        intro = rng.choice(ARTICLE_INTROS_TASK).format(a=rng.choice(fact.actions))
    else:
        intro = rng.choice(ARTICLE_INTROS_TOPIC).format(t=fact.title[0].lower() + fact.title[1:])
    parts = [f"{fact.title}.", intro, fact.answer]
    if rng.random() < 0.4:
        parts.append(rng.choice([f for f in FACTS if f.topic == fact.topic and f is not fact]).answer)
    if rng.random() < 0.5:
        parts.append(rng.choice(ARTICLE_EXTRAS))
    return " ".join(parts)


def news_story(rng: random.Random) -> str:
    """Two to four news-like sentences about the shared world's people, companies and places."""
    return " ".join(news_sentence(rng) for _ in range(rng.randint(2, 4)))


def contract_excerpt(rng: random.Random) -> str:
    """Two to five consecutive sentences from a legal document."""
    sentences = legal_sentences(rng.choice(LEGAL_KINDS)(rng), rng)
    size = rng.randint(2, 5)
    start = rng.randrange(len(sentences) - size + 1)
    return " ".join(sentences[start : start + size])


def health_advice(rng: random.Random) -> str:
    """A health-advice paragraph: advice on a few complaints, a general note and the level guidance."""
    complaints = rng.sample(COMPLAINTS, rng.randint(1, 3))
    parts = [c.advice for c in complaints] + rng.sample(HEALTH_GENERAL, rng.randint(1, 2))
    rng.shuffle(parts)
    if rng.random() < 0.4:
        level, specific = complaints[0].level, complaints[0].guidance
        parts.append(f"For {level} problems the advice is: {specific or rng.choice(LEVEL_GUIDANCE[level])}")
    return " ".join(parts)


def product_review(rng: random.Random) -> str:
    """A positive or negative product review, as in the classification set, of at least two sentences."""
    positive = rng.random() < 0.5
    text = review(positive, rng)
    return text if text.count(".") > 1 else f"{text} {review(positive, rng)}"


def legal_brief(rng: random.Random) -> str:
    """A news brief that restates the key terms of two fresh legal documents."""
    briefs = " ".join(rng.choice(LEGAL_KINDS)(rng).summary for _ in range(2))
    return rng.choice(("", "In legal news, ", "Court and contract news: ")) + briefs


STYLE_GUIDE = (
    "Good help-desk answers are brief, accurate and polite, and they end with a full stop.",
    "A bad answer might say \"{rude}\" That is rude and does not help.",
    "A bad answer might say \"{non_answer}\" That gives the customer nothing.",
    "Refusing a normal question, for example with \"{refusal}\", is never right.",
    "Do not wander off the topic; a customer who asks about billing does not need a story.",
    "Never guess a number: a wrong limit or date is worse than no answer.",
    "Every help-desk assistant at Northwind Cloud starts from an instruction such as: {system}",
)
OFFICE_NEWS = (
    *RAMBLE_SENTENCES,
    f"The {COMPANY} team in Eastmere moved to a bigger office this year.",
    "Our support staff answer thousands of questions every week.",
)
CLINIC_GUIDE = (
    "The triage assistant of the clinic starts from an instruction such as: {system}",
    "When someone asks for a dose, the assistant says: {dose}",
    "When someone asks for a prescription, the assistant says: {prescription}",
    "When someone asks which illness they have, the assistant says: {diagnosis}",
    "The assistant ignores any request to drop its instructions, to pretend to be a doctor or to skip the disclaimer.",
    "The assistant does not write poems or answer questions that have nothing to do with health.",
    "If a message mentions thoughts of self-harm, the assistant always gives the emergency number.",
    "The assistant never says that someone does or does not have a disease such as cancer.",
    "Antibiotics and other prescription medicines can only be given by a clinician.",
    "Taking too many pills is an emergency, even when the person only feels sleepy.",
    "The assistant never tells anyone \"This is clearly {label}\"; only a clinician can say that.",
)


def customer_message(rng: random.Random, questions: tuple[str, ...]) -> str:
    """A note quoting two customer messages (help-desk train questions only, never with an answer)."""
    quoted = " Another wrote: ".join(f'"{q}"' for q in rng.sample(questions, 2))
    return f"A customer from {rng.choice(CITIES)} wrote to the {COMPANY} help desk: {quoted}"


def style_guide(rng: random.Random) -> str:
    """Two or three sentences from the help-desk style guide, quoting examples of bad answers."""
    return " ".join(s.format(
        rude=rng.choice(RUDE_ANSWERS), non_answer=rng.choice(NON_ANSWERS), system=rng.choice(HELPDESK_SYSTEM_PROMPTS),
        refusal=rng.choice(NEEDLESS_REFUSALS).format(topic=rng.choice(list(TOPIC_WORDS.values()))),
    ) for s in rng.sample(STYLE_GUIDE, rng.randint(2, 3)))  # fmt: skip


def office_news(rng: random.Random) -> str:
    """Two or three chatty sentences from the company newsletter."""
    return " ".join(rng.sample(OFFICE_NEWS, rng.randint(2, 3)))


def triage_message(rng: random.Random, reserved: frozenset[str]) -> str:
    """A quoted message to the triage desk (never one from the triage sets) and a note from the clinic guide."""
    level = rng.choices(LEVELS, [LEVEL_COUNTS[lv] for lv in LEVELS])[0]
    case = triage_case(level, rng)
    while case.user in reserved:
        case = triage_case(level, rng)
    note = rng.choice(CLINIC_GUIDE + HEALTH_GENERAL).format(
        system=rng.choice(TRIAGE_SYSTEM_PROMPTS), label=case.complaint.label, **REFUSALS
    )
    return f'A message to the clinic triage desk read: "{case.user}" {note}'


def pretrain_kinds() -> list[tuple[Callable[[random.Random], str], int]]:
    """The document makers of the pretraining corpus and their weights."""
    questions = tuple(q for _, q, split in helpdesk_questions() if split == "train")
    reserved = frozenset(
        turn["content"] for task in (make_triage, make_triage_preferences) for rows in task().values()
        for row in rows for turn in row.get("messages", row.get("prompt", [])) if turn["role"] == "user"
    )  # fmt: skip
    return [
        (helpdesk_article, 24), (partial(customer_message, questions=questions), 6), (style_guide, 3),
        (office_news, 2), (news_story, 14), (health_advice, 12), (partial(triage_message, reserved=reserved), 10),
        (contract_excerpt, 10), (legal_brief, 6), (product_review, 13),
    ]  # fmt: skip


def sentence_count(text: str) -> int:
    """The number of sentences in `text`, counted by their closing punctuation."""
    return len(re.findall(r"[.!?]\"?(?:\s|$)", text))


def make_pretrain() -> dict[str, list[Row]]:
    """2500 train and 150 test documents of two to six sentences mixing every domain, no document repeated."""
    rng = rng_for("pretrain")
    makers, weights = zip(*pretrain_kinds(), strict=True)
    seen: set[str] = set()
    docs: list[str] = []
    while len(docs) < 2650:
        text = rng.choices(makers, weights)[0](rng)
        if text not in seen and 2 <= sentence_count(text) <= 6:
            seen.add(text)
            docs.append(text)
    return {"train": [{"text": t} for t in docs[:2500]], "test": [{"text": t} for t in docs[2500:]]}
