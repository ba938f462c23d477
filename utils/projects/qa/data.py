"""Bring your own knowledge: Q&A pairs (CSV) or Markdown documents turned into chat examples, deterministically."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from utils.course.data import HELPDESK_SYSTEM
from utils.errors import CourseError

HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$")
QUESTION_TEMPLATES = ("{h}?", "Help me with this: {t}.", "What do I need to know about this: {t}?")


def chat_example(question: str, answer: str, system: str = HELPDESK_SYSTEM) -> dict:
    """One training row in the help-desk schema: system, user and assistant messages."""
    return {"messages": [{"role": "system", "content": system}, {"role": "user", "content": question},
                         {"role": "assistant", "content": answer}]}


def read_qa_csv(path: str | Path) -> list[tuple[str, str]]:
    """(question, answer) pairs from a CSV file with the columns `question` and `answer`."""
    if not Path(path).is_file():
        raise CourseError(f"The Q&A file {path} does not exist.")
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not {"question", "answer"} <= set(rows[0]):
        found = ", ".join(rows[0]) if rows else "no rows"
        raise CourseError(f"{path} needs the columns 'question' and 'answer' (it has: {found}).")
    return [(row["question"].strip(), row["answer"].strip()) for row in rows if row["question"].strip()]


def markdown_sections(text: str) -> list[tuple[str, str]]:
    """(heading, first paragraph) of every Markdown section that has both, in document order."""
    sections, heading, paragraph = [], None, []
    for line in [*text.splitlines(), ""]:
        found = HEADING.match(line.strip())
        if found or (not line.strip() and paragraph):  # a heading or a blank line ends the first paragraph
            if heading and paragraph:
                sections.append((heading, " ".join(paragraph)))
            heading, paragraph = (found.group(1) if found else None), []
        elif line.strip() and heading:
            paragraph.append(line.strip())
    return sections


def heading_questions(heading: str) -> list[str]:
    """The questions a section answers: its heading if it is a question, else the templates filled with it."""
    if heading.endswith("?"):
        return [heading]
    topic = heading[:1].lower() + heading[1:] if not heading[:2].isupper() else heading
    return [template.format(h=heading, t=topic) for template in QUESTION_TEMPLATES]


def documents_to_qa(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(question, answer) pairs from Markdown texts: every heading's questions, answered by its first paragraph."""
    return [(q, paragraph) for text in texts for heading, paragraph in markdown_sections(text)
            for q in heading_questions(heading)]


def folder_to_qa(folder: str | Path, pattern: str = "*.md") -> list[tuple[str, str]]:
    """(question, answer) pairs from the Markdown files of a folder, read in name order."""
    paths = sorted(Path(folder).glob(pattern))
    if not paths:
        raise CourseError(f"{folder} holds no files matching {pattern}.")
    return documents_to_qa(p.read_text(encoding="utf-8") for p in paths)
