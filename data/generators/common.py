"""What every generator shares: the seed and `rng_for`, text and chat helpers, and the world all tasks live in."""

from __future__ import annotations

import random
from typing import Any

from utils.course.tasks import TASKS

SEED = 1729  # base seed; every task derives its own generator from it (see `rng_for`)
Row = dict[str, Any]


def rng_for(task: str, part: int = 0) -> random.Random:
    """A generator seeded from SEED, the task's position in the registry and a part number, so tasks never share
    draws (so a task's position in `utils.course.tasks.TASKS` must never change)."""
    return random.Random(SEED * 1000 + list(TASKS).index(task) * 10 + part)


def cap(text: str) -> str:
    """Upper-case the first character of `text` and leave the rest alone."""
    return text[:1].upper() + text[1:]


def chat(system: str, user: str, assistant: str | None = None) -> list[dict[str, str]]:
    """A conversation in the messages format: system, user and (optionally) assistant turns."""
    turns = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    return turns + ([{"role": "assistant", "content": assistant}] if assistant is not None else [])


def preference_row(system: str, user: str, chosen: str, rejected: str) -> Row:
    """A row in trl's conversational preference format."""
    return {
        "prompt": chat(system, user),
        "chosen": [{"role": "assistant", "content": chosen}],
        "rejected": [{"role": "assistant", "content": rejected}],
    }


# ---------------------------------------------------------------------------------------------------------------------
# The shared world: people, organisations, places, products, events (the *_HELDOUT pools appear only in ner/test).
# ---------------------------------------------------------------------------------------------------------------------

COMPANY = "Northwind Cloud"
CLINIC = "Lindenfield Community Clinic"

FIRST_NAMES = (
    "Alma", "Bruno", "Carla", "Dario", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kira", "Lars", "Mira",
    "Nadia", "Omar", "Petra", "Rosa", "Sven", "Talia", "Umar", "Vera", "Wendel", "Xenia", "Yusuf", "Zora", "Anika",
    "Bastian", "Celia", "Emil", "Leona",
)  # fmt: skip
LAST_NAMES = (
    "Brannick", "Coldwell", "Dunmore", "Everly", "Fairholt", "Garrow", "Hollis", "Ivers", "Jessop", "Kettering",
    "Larchmont", "Merrow", "Norcott", "Ostrander", "Pellham", "Quarles", "Redfern", "Stilwell", "Thackery",
    "Underhill", "Varga", "Whitlock", "Yarrow", "Zeller", "Ashby", "Calloway", "Dremmel", "Fenwick", "Gorse",
    "Halloran",
)  # fmt: skip
FIRST_NAMES_HELDOUT = ("Ottilie", "Thaddeus", "Marisol", "Kasimir", "Ysolde", "Benedikt", "Rufaro", "Ilse")
LAST_NAMES_HELDOUT = ("Quennell", "Abernath", "Tarrant", "Vosberg", "Mallory", "Pettigrew", "Sandoval", "Okafor")

ORGS = (
    COMPANY, "Brightwater Logistics", "Copperfield Analytics", "Red Alder Foods", "Bluefin Systems", "Harbor and Pine",
    "Kestrel Labs", "Lumen Freight", "Oakridge Media", "Silverline Health", "Tidewater Energy", "Granite Peak Bank",
    "Meadowlark Studios", "Ironbridge Consulting", CLINIC, "Saltmarsh Shipping", "Foxglove Pharmacy",
    "Everstone Insurance", "Pinecrest Realty", "Quillon Legal Partners", "Eastmere City Council",
    "Marrowgate University", "Sparrow Robotics", "Vantage Textiles",
)  # fmt: skip
ORGS_HELDOUT = (
    "Glasswing Aviation", "Thornbury Mills", "Obsidian Data Works", "Candlewick Press", "Halcyon Water Trust",
    "Moorland Telecom",
)  # fmt: skip
CITIES = (
    "Eastmere", "Port Halden", "Lindenfield", "Varrow", "Cask Harbor", "Marrowgate", "Northbridge", "Selwick",
    "Ashford Vale", "Kellan Bay", "Greywater", "Oslo", "Lisbon", "Toronto", "Nairobi",
)  # fmt: skip
REGIONS = ("Tessaly", "the Brennan Coast", "the Greywater Valley", "Norland")  # governing-law places
CITIES_HELDOUT = ("Saltcombe", "Ravensholt", "Port Ilmari", "Quillan Falls", "Montevale", "Osterby")
PRODUCTS = (
    "Northwind Vault", "Northwind Ledger", "Northwind Sync", "Northwind Relay", "Ledger Pro", "Kestrel Drone X",
    "Bluefin Router", "Sparrow Arm", "Meadowlark Player",
)  # fmt: skip
PRODUCTS_HELDOUT = ("Glasswing Jet", "Thornbury Loom", "Obsidian Gate", "Halcyon Filter")
EVENTS = (
    "Eastmere Cloud Summit", "Harbor Tech Week", "Lindenfield Health Fair", "Spring Freight Expo",
    "Varrow Film Festival", "Northbridge Marathon",
)  # fmt: skip
EVENTS_HELDOUT = ("Saltcombe Trade Fair", "Montevale Book Week", "Osterby Jazz Days")
NATIONALITIES = (
    "Norwegian", "Kenyan", "Brazilian", "Canadian", "Portuguese", "Japanese", "Dutch", "Tessalian", "Irish",
)  # fmt: skip
NATIONALITIES_HELDOUT = ("Finnish", "Chilean", "Ghanaian")
MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
)  # fmt: skip
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def person(rng: random.Random, heldout: bool = False) -> str:
    """A full name: from the held-out pools when `heldout`, else from the training pools."""
    firsts, lasts = (FIRST_NAMES_HELDOUT, LAST_NAMES_HELDOUT) if heldout else (FIRST_NAMES, LAST_NAMES)
    return f"{rng.choice(firsts)} {rng.choice(lasts)}"


def a_date(rng: random.Random) -> str:
    """A date such as `14 March 2025`."""
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2024, 2026)}"


def later_dates(rng: random.Random, count: int) -> list[str]:
    """`count` dates in increasing order, one to four months apart (a signing date, then a start date, ...)."""
    month, dates = rng.randint(2024, 2026) * 12 + rng.randrange(12), []
    for _ in range(count):
        dates.append(f"{rng.randint(1, 28)} {MONTHS[month % 12]} {month // 12}")
        month += rng.randint(1, 4)
    return dates


def money(amount: int) -> str:
    """Dollars with thousands separators, e.g. `$12,400`."""
    return f"${amount:,}"
