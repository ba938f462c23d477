"""Reviews (task `classification`): sentiment from composed phrases, negation, contrast and off-label sentences."""

from __future__ import annotations

import random

from .common import CITIES, MONTHS, Row, cap, rng_for

REVIEW_SUBJECTS = (
    "Northwind Vault", "Northwind Sync", "Northwind Ledger", "Northwind Relay", "the mobile app", "the billing portal",
    "the help desk", "the Team plan", "the Business plan", "the API", "the new dashboard", "the file sharing feature",
    "the export tool", "the desktop app", "the search", "the invoice page",
)  # fmt: skip
# (affirmative, negated) pairs: the negated form reuses the same words, so word counts alone cannot tell them apart.
POSITIVE_PAIRS = (
    ("works perfectly", "does not work properly"), ("is fast and reliable", "is not fast or reliable"),
    ("is easy to use", "is not easy to use"), ("saves me hours every week", "does not save me any time"),
    ("is worth every cent", "is not worth the money"), ("is a joy to use", "is no joy to use"),
    ("has everything we need", "does not have what we need"), ("feels polished", "does not feel polished at all"),
    ("made our billing much simpler", "did not make our billing any simpler"),
    ("is clear and well designed", "is not clear or well designed"),
    ("keeps our files safe", "does not keep our files safe"),
    ("is great value for the price", "is not good value for the price"),
    ("lived up to the promises", "did not live up to the promises"),
    ("is simple and quick", "is neither simple nor quick"),
    ("is reliable", "is hardly reliable"), ("is useful every day", "is hardly useful"),
)  # fmt: skip
NEGATIVE_PAIRS = (
    ("keeps crashing", "never crashed once"), ("is painfully slow", "is not slow at all"),
    ("is far too expensive", "is not expensive for what you get"),
    ("is confusing and badly designed", "is not confusing at all"),
    ("lost some of my files", "never lost a single file"),
    ("breaks after every update", "does not break after updates"),
    ("is full of bugs", "has no bugs that I have noticed"), ("wastes my time every day", "does not waste my time"),
    ("made our billing a mess", "did not make a mess of our billing"),
    ("feels cheap and unfinished", "does not feel cheap at all"),
    ("is a total letdown", "is not a letdown at all"), ("is bad", "is not bad at all"),
    ("freezes when I open large folders", "never freezes, even with large folders"),
    ("was hard to set up", "was not hard to set up"), ("gave me problems", "has not given me a single problem"),
    ("disappointed me", "did not disappoint me"),
)  # fmt: skip
POSITIVE_CLAUSES = (
    "the support team answered within minutes", "support fixed my problem the same day",
    "the staff were friendly and helpful", "the setup took five minutes", "the price is fair",
    "the updates keep getting better", "my whole team picked it up quickly",
)  # fmt: skip
NEGATIVE_CLAUSES = (
    "support never replied to my emails", "the staff were rude and unhelpful", "I waited five days for an answer",
    "the setup took a whole week", "the price keeps going up", "every update breaks something new",
    "my team gave up on it after a month",
)  # fmt: skip
POSITIVE_FIRST_PERSON = (
    ("I would recommend it to every colleague.", "I would not recommend it to anyone."),
    ("I am very happy with it.", "I am not happy with it at all."),
    ("We rely on it every day.", "We cannot rely on it."),
    ("It made my work much easier.", "It did not make my work any easier."),
    ("I would happily pay for it again.", "I would not pay for it again."),
)  # fmt: skip
NEGATIVE_FIRST_PERSON = (
    ("I regret paying for the annual plan.", "I do not regret paying for the annual plan."),
    ("I am very disappointed.", "I am not disappointed at all."),
    ("We are moving to another provider.", "We are not moving to another provider."),
    ("I want my money back.", "I do not want my money back."),
    ("I was annoyed from the first day.", "I was never annoyed, not even on the first day."),
)  # fmt: skip
POSITIVE_VERDICTS = (
    "Highly recommended.", "I will keep using it for years.", "Overall, a great purchase.", "Two thumbs up.",
    "Would buy again.", "Overall, I am glad we switched.",
)  # fmt: skip
NEGATIVE_VERDICTS = (
    "Avoid it.", "Not recommended.", "Overall, a waste of money.", "I will cancel at the end of the month.",
    "Would not buy again.", "Overall, I wish we had never switched.",
)  # fmt: skip
NEUTRAL_SENTENCES = (
    "I have used it for {n} months.", "We are a team of {n} people in {city}.", "I bought it for my small business.",
    "I switched from another service last year.", "I use it mostly for invoices and shared files.",
    "Our office in {city} started using it in {month}.", "I run a shop with {n} staff.",
)  # fmt: skip


def review_sentence(positive: bool, rng: random.Random) -> str:
    """One sentence whose sentiment is `positive`: half the time a negated phrase of the opposite sentiment."""
    negate = rng.random() < 0.5
    kind = rng.random()
    if kind < 0.25:
        pairs = POSITIVE_FIRST_PERSON if positive != negate else NEGATIVE_FIRST_PERSON
        return rng.choice(pairs)[int(negate)]
    pairs = POSITIVE_PAIRS if positive != negate else NEGATIVE_PAIRS
    return f"{cap(rng.choice(REVIEW_SUBJECTS))} {rng.choice(pairs)[int(negate)]}."


def contrast_sentence(positive: bool, rng: random.Random) -> str:
    """A mixed sentence: the opposite sentiment first, then `but` and the sentence's real sentiment."""
    first = rng.choice(NEGATIVE_CLAUSES if positive else POSITIVE_CLAUSES)
    second = f"{rng.choice(REVIEW_SUBJECTS)} {rng.choice(POSITIVE_PAIRS if positive else NEGATIVE_PAIRS)[0]}"
    if rng.random() < 0.5:
        return f"{cap(first)}, but {second}."
    return f"Even though {first}, {second}."


def review(positive: bool, rng: random.Random) -> str:
    """A short review: on-label sentences outnumber off-label ones, or a closing verdict settles it."""
    on_label = [review_sentence(positive, rng) for _ in range(rng.randint(1, 2))]
    if rng.random() < 0.4:
        on_label.append(contrast_sentence(positive, rng))
    off_label = [review_sentence(not positive, rng) for _ in range(rng.choice((0, 1, 1, 2)))]
    body = on_label + off_label
    rng.shuffle(body)
    if rng.random() < 0.3:
        neutral = rng.choice(NEUTRAL_SENTENCES)
        body.insert(0, neutral.format(n=rng.randint(2, 30), city=rng.choice(CITIES), month=rng.choice(MONTHS)))
    if len(on_label) <= len(off_label) or rng.random() < 0.3:
        body.append(rng.choice(POSITIVE_VERDICTS if positive else NEGATIVE_VERDICTS))
    return " ".join(body)


def make_classification() -> dict[str, list[Row]]:
    """Balanced positive/negative reviews with unique texts; test texts never occur in train."""
    rng = rng_for("classification")
    seen: set[str] = set()
    rows: dict[str, list[Row]] = {"positive": [], "negative": []}
    per_label = (1500 + 300) // 2
    while min(len(v) for v in rows.values()) < per_label:
        for label in ("negative", "positive"):
            text = review(label == "positive", rng)
            if text not in seen and len(rows[label]) < per_label:
                seen.add(text)
                rows[label].append({"text": text, "label": label})
    train = rows["negative"][:750] + rows["positive"][:750]
    test = rows["negative"][750:] + rows["positive"][750:]
    rng.shuffle(train)
    rng.shuffle(test)
    return {"train": train, "test": test}
