"""Named entities (task `ner`): news-like sentences from templates with typed slots, tagged in BIO."""

from __future__ import annotations

import random
import re

from .common import (
    CITIES,
    CITIES_HELDOUT,
    EVENTS,
    EVENTS_HELDOUT,
    MONTHS,
    NATIONALITIES,
    NATIONALITIES_HELDOUT,
    ORGS,
    ORGS_HELDOUT,
    PRODUCTS,
    PRODUCTS_HELDOUT,
    WEEKDAYS,
    Row,
    person,
    rng_for,
)

NER_TEMPLATES = (
    "{PER} joined {ORG} in {LOC} last spring.",
    "{ORG} opened a new office in {LOC} this week.",
    "{PER}, a {NAT} engineer, presented {PROD} at the {EVENT}.",
    "The {EVENT} in {LOC} drew more than {N} visitors.",
    "{PER} said that {ORG} will release {PROD} in {MONTH}.",
    "According to {PER}, sales of {PROD} rose by {N} percent in {LOC}.",
    "{ORG} and {ORG} signed a supply agreement in {LOC}.",
    "{PER} moved from {LOC} to {LOC} to work for {ORG}.",
    "{NAT} investors bought a stake in {ORG} on {DAY}.",
    "The mayor of {LOC}, {PER}, opened the {EVENT}.",
    "{PER} and {PER} met at the {EVENT} to talk about {PROD}.",
    "{ORG} hired {PER} as its new chief financial officer.",
    "Customers in {LOC} reported problems with {PROD} on {DAY} morning.",
    "{PER} won the {EVENT} for the second year in a row.",
    "A team of {NAT} engineers from {ORG} finished the project ahead of time.",
    "{ORG} will move its headquarters from {LOC} to {LOC} next year.",
    "{PER} told reporters in {LOC} that the deal with {ORG} is final.",
    "The new {PROD} costs {N} dollars and ships in {MONTH}.",
    "{PER} leads the {LOC} office of {ORG}.",
    "Staff at {ORG} in {LOC} will strike on {DAY}.",
    "{PER}, who was born in {LOC}, now runs {ORG}.",
    "Tickets for the {EVENT} sold out in two days.",
    "A court in {LOC} ordered {ORG} to pay {N} dollars to {PER}.",
    "{PER} is a {NAT} writer who lives in {LOC}.",
    "{ORG} bought {ORG} for {N} million dollars.",
    "Doctors at {ORG} in {LOC} warned about the flu season.",
    "{PER} tested {PROD} for three weeks before the launch.",
    "The {NAT} government welcomed the plan by {ORG}.",
    "{PER} thanked the volunteers of the {EVENT} in a short speech.",
    "Heavy rain closed roads between {LOC} and {LOC} on {DAY}.",
    "{ORG} reported higher profits thanks to {PROD}.",
    "{PER} from {ORG} will speak at the {EVENT} in {MONTH}.",
    "Shares of {ORG} fell after {PER} left the company.",
    "{PER} and {PER} founded {ORG} in {LOC} in {YEAR}.",
    "Many {NAT} companies use {PROD} for their billing.",
    "The train from {LOC} to {LOC} now stops in {LOC}.",
    "{PER} signed a lease with {ORG} for an office in {LOC}.",
    "The {EVENT} will return to {LOC} next {MONTH}.",
    "{ORG} named {PROD} its product of the year.",
    "{PER} said the weather in {LOC} was perfect for the {EVENT}.",
    "Prices for office space rose again this quarter.",
    "The board will meet on {DAY} to vote on the budget.",
)
NER_SLOT_TAGS = {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "PROD": "MISC", "EVENT": "MISC", "NAT": "MISC"}
NER_HELDOUT_RATE = 0.4  # share of test entities drawn from the held-out pools
TOKEN_PATTERN = re.compile(r"\w+(?:[-'.]\w+)*|[^\w\s]")


def ner_entity(slot: str, rng: random.Random, heldout: bool) -> str:
    """An entity string for a typed slot, from the held-out pools when `heldout`."""
    if slot == "PER":
        name = person(rng, heldout)
        return name.split()[1] if rng.random() < 0.15 else name
    pools = {
        "ORG": (ORGS, ORGS_HELDOUT),
        "LOC": (CITIES, CITIES_HELDOUT),
        "PROD": (PRODUCTS, PRODUCTS_HELDOUT),
        "EVENT": (EVENTS, EVENTS_HELDOUT),
        "NAT": (NATIONALITIES, NATIONALITIES_HELDOUT),
    }
    return rng.choice(pools[slot][int(heldout)])


def fill_ner_template(template: str, rng: random.Random, heldout_rate: float) -> tuple[str, list[str], list[str]]:
    """Fill a template's slots; return the sentence, its tokens and their BIO tags (no entity repeats in a sentence)."""
    text, tokens, tags, used = "", [], [], set()
    for literal, slot in re.findall(r"([^{]*)(?:\{(\w+)\})?", template):
        text += literal
        words = TOKEN_PATTERN.findall(literal)
        tokens += words
        tags += ["O"] * len(words)
        if not slot:
            continue
        if slot in NER_SLOT_TAGS:
            value = ner_entity(slot, rng, rng.random() < heldout_rate)
            while value in used:
                value = ner_entity(slot, rng, rng.random() < heldout_rate)
            used.add(value)
            label = NER_SLOT_TAGS[slot]
            words = value.split()
            tags += [f"B-{label}"] + [f"I-{label}"] * (len(words) - 1)
        else:
            value = {
                "N": lambda: str(rng.choice((12, 40, 85, 300, 1200, 5000))),
                "MONTH": lambda: rng.choice(MONTHS),
                "DAY": lambda: rng.choice(WEEKDAYS),
                "YEAR": lambda: str(rng.randint(1998, 2025)),
            }[slot]()
            words = [value]
            tags += ["O"]
        text += value
        tokens += words
    return text, tokens, tags


def news_sentence(rng: random.Random) -> str:
    """A news-like sentence over the training entity pools (for the pretraining corpus)."""
    return fill_ner_template(rng.choice(NER_TEMPLATES), rng, 0.0)[0]


def make_ner() -> dict[str, list[Row]]:
    """Tagged sentences: train uses only training entity pools; test mixes in held-out names never seen in train."""
    rng = rng_for("ner")
    seen: set[str] = set()
    splits: dict[str, list[Row]] = {"train": [], "test": []}
    for split, size, heldout_rate in (("train", 1200, 0.0), ("test", 250, NER_HELDOUT_RATE)):
        while len(splits[split]) < size:
            text, tokens, tags = fill_ner_template(rng.choice(NER_TEMPLATES), rng, heldout_rate)
            if text not in seen:
                seen.add(text)
                splits[split].append({"tokens": tokens, "ner_tags": tags})
    return splits
