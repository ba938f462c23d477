"""Visible checks for lesson 10's exercises (parsing the triage level, recall at levels, the under-triage rate)."""

from __future__ import annotations

import math
from collections.abc import Callable

from utils.checking import exercise, expect, expect_close, expect_optional


@exercise("10.1", "extract_triage_level")
def check_extract_triage_level(extract_triage_level: Callable[[str], str | None]) -> None:
    """extract_triage_level reads the first "Triage level:" line in any case and normalises self-care."""
    cases = [("Triage level: EMERGENCY. Call emergency services now.", "emergency"),
             ("triage level: Urgent. Please see a clinician today.", "urgent"),
             ("Triage level:routine. Book an appointment.", "routine"),
             ("Triage level: SELF-CARE. Rest at home.", "self-care"), ("Triage level: self care.", "self-care"),
             ("TRIAGE LEVEL: Selfcare", "self-care"),
             ("Triage level: URGENT. Earlier notes said Triage level: ROUTINE.", "urgent"),
             ("You have a cold. Rest at home.", None), ("Triage level: unclear.", None), ("", None)]
    for answer, want in cases:
        expect_optional(extract_triage_level(answer), want, f"extract_triage_level({answer!r})")


@exercise("10.2", "recall_at_level")
def check_recall_at_level(recall_at_level: Callable[..., float]) -> None:
    """recall_at_level is the recall of a level, or of a group of levels treated as one class."""
    true = ["emergency", "emergency", "urgent", "routine", "self-care", "urgent", "emergency"]
    pred = ["emergency", "routine", "emergency", None, "self-care", "urgent", None]
    cases = [("emergency", 1 / 3), ("urgent", 1 / 2), (["emergency", "urgent"], 3 / 5), ("routine", 0.0),
             (("routine", "self-care"), 1 / 2), ("self-care", 1.0)]
    for levels, want in cases:
        expect_close(recall_at_level(list(true), list(pred), levels), want, f"recall_at_level(true, pred, {levels!r})",
                     rtol=1e-9, atol=1e-9)
    got = recall_at_level(["routine"], ["routine"], "emergency")
    expect(type(got) is float and math.isnan(got), f"with no true emergency, the recall should be nan, got {got!r}.")


@exercise("10.3", "under_triage_rate")
def check_under_triage_rate(under_triage_rate: Callable[[list, list], float]) -> None:
    """under_triage_rate counts predictions less severe than the truth, and missing ones, over all cases."""
    cases = [(["emergency", "urgent", "routine", "self-care"], ["urgent", "urgent", "emergency", "self-care"], 0.25),
             (["emergency", "urgent"], ["self-care", None], 1.0),
             (["routine", "self-care"], ["urgent", "routine"], 0.0),
             (["self-care", "routine", "urgent", "emergency"], [None, "self-care", "routine", "emergency"], 0.75)]
    for true, pred, want in cases:
        expect_close(under_triage_rate(list(true), list(pred)), want, f"under_triage_rate({true}, {pred})",
                     rtol=1e-9, atol=1e-9)
