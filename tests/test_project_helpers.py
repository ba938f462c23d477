"""Unit tests of the project lessons' helpers: retrieval, answer metrics, Q&A data, chunking, faithfulness, triage."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import pytest
import torch
from rouge_score import rouge_scorer
from sklearn.metrics import recall_score

from utils.course.models import model_name
from utils.course.paths import fresh_output_dir
from utils.course.profiles import PROFILES
from utils.errors import CourseError
from utils.projects.legal.chunking import chunk_count, chunk_tokens, map_reduce
from utils.projects.legal.faithfulness import (
    faithfulness_rate,
    faithfulness_violations,
    names_in,
    numbers_in,
    support_rate,
)
from utils.projects.qa.answer_metrics import exact_match, mean_token_f1, token_f1
from utils.projects.qa.data import chat_example, documents_to_qa, folder_to_qa, markdown_sections, read_qa_csv
from utils.projects.qa.rag import prompt_length, rag_messages, rag_prompt
from utils.projects.qa.retrieval import (
    EMBEDDING_MODEL,
    EmbeddingRetriever,
    TfidfRetriever,
    make_retriever,
    mean_pool,
    sentence_embeddings,
)
from utils.projects.triage import (
    DISCLAIMER,
    OUT_OF_SCOPE_ANSWER,
    escalates,
    extract_triage_level,
    guard,
    guarded,
    handled_as,
    has_disclaimer,
    recall_at_level,
    refuses,
    triage_scores,
    under_triage_rate,
)


def test_token_f1_matches_rouge1_without_stemming() -> None:
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=False)
    pairs = [("Open Settings > Account and click Save.", "Open Settings, then click Save twice."),
             ("the the cat", "the cat sat"), ("No overlap here", "Completely different words")]
    for prediction, reference in pairs:
        assert math.isclose(token_f1(prediction, reference), scorer.score(reference, prediction)["rouge1"].fmeasure)
    assert token_f1("", "") == 1.0 and token_f1("x", "") == 0.0
    assert exact_match("Click SAVE.", "click save") == 1.0
    assert mean_token_f1(["a b", "c"], ["a b", "d"]) == 0.5


def test_retriever_finds_paraphrase_and_falls_back() -> None:
    retriever = TfidfRetriever(["How do I reset my password?", "How much does the Pro plan cost?"],
                               ["Click Forgot password.", "Pro costs 10 dollars."], threshold=0.2, fallback="?")
    assert retriever.answer(["I forgot my password, how can I reset it?"]) == ["Click Forgot password."]
    assert retriever.best(["pro plan price"])[0][0] == 1
    assert retriever.answer(["Write a poem about oceans"]) == ["?"]
    with pytest.raises(ValueError):
        TfidfRetriever(["q"], [])
    assert type(make_retriever(["reset password"], ["a"], PROFILES["tiny"])) is TfidfRetriever


def test_updated_retriever_shares_the_index() -> None:
    retriever = TfidfRetriever(["How do I reset my password?", "Can I delete my account?"], ["Old.", "Yes."])
    new = retriever.updated(answers=["New.", "Yes."], threshold=0.9)
    assert new.matrix is retriever.matrix and new.answer(["reset my password"]) == ["New."]
    assert retriever.answer(["reset my password"]) == ["Old."] and retriever.threshold == 0.0
    assert new.answer(["pizza account"]) == [new.fallback]
    with pytest.raises(ValueError):
        retriever.updated(answers=["one answer too few"])


def test_mean_pool_ignores_padding() -> None:
    hidden = torch.randn(2, 4, 3)
    mask = torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]])
    pooled = mean_pool(hidden, mask)
    assert torch.allclose(pooled, torch.stack([hidden[0, :2].mean(0), hidden[1].mean(0)]))
    hidden[0, 2:] = 1e6  # whatever sits at padded positions
    assert torch.allclose(mean_pool(hidden, mask)[0], pooled[0])


@pytest.fixture(scope="module")
def random_encoder() -> tuple:
    """A random-weight BERT with the stand-in WordPiece tokenizer of EMBEDDING_MODEL, built locally (no hub)."""
    from transformers import BertConfig, BertModel

    from utils.course.hub_facts import MODELS
    from utils.course.hub_standins import build_tokenizer, corpus, train_body

    facts = MODELS[EMBEDDING_MODEL]
    tokenizer = build_tokenizer(facts, train_body("wordpiece", corpus()[:300]))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=facts.vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                        num_attention_heads=4, max_position_embeddings=64)
    return BertModel(config), tokenizer


def test_embedding_retriever_ranks_a_duplicate_first(random_encoder: tuple) -> None:
    model, tokenizer = random_encoder
    questions = ["How do I reset my password?", "How much does the Pro plan cost per month for a team?",
                 "Can I delete my account?", "Where are your data centres?"]
    retriever = EmbeddingRetriever(questions, ["A", "B", "C", "D"], model, tokenizer, batch_size=3)
    assert not model.training  # eval mode: no dropout, so the same text always gets the same embedding
    sims = retriever.similarities(questions)
    assert sims.shape == (4, 4) and all(i == int(row.argmax()) for i, row in enumerate(sims))
    assert all(math.isclose(sims[i, i], 1.0, abs_tol=1e-5) for i in range(4))  # unit vectors: cosine with itself
    assert retriever.best([questions[2]])[0][0] == 2 and retriever.answer([questions[3]]) == ["D"]


def test_sentence_embeddings_do_not_depend_on_batch_padding(random_encoder: tuple) -> None:
    model, tokenizer = random_encoder
    model.eval()
    short, long = "Can I delete my account?", "How much does the Pro plan cost per month for a team of twelve people?"
    alone = sentence_embeddings(model, tokenizer, [short])
    padded = sentence_embeddings(model, tokenizer, [short, long])  # short is padded to long's length here
    assert len(tokenizer([short])["input_ids"][0]) < len(tokenizer([long])["input_ids"][0])
    assert torch.allclose(alone[0], padded[0], atol=1e-5)
    assert torch.allclose(padded.norm(dim=-1), torch.ones(2))


def test_rag_messages_keep_the_ranked_passages_that_fit() -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_name("chat", PROFILES["tiny"]))
    passages = ["Open Settings > Account and click Save.", "Ask an administrator.", "Yes."]
    assert rag_prompt("Be brief.", "Q?", []) == [{"role": "system", "content": "Be brief."},
                                                 {"role": "user", "content": "Q?"}]
    assert rag_prompt("Be brief.", "Q?", passages[:2])[0]["content"] == (
        "Be brief.\n\nKnown answers:\n[1] Open Settings > Account and click Save.\n[2] Ask an administrator.")
    lengths = [prompt_length(tokenizer, rag_prompt("Be brief.", "Q?", passages[:k])) for k in range(4)]
    assert lengths == sorted(lengths) and len(set(lengths)) == 4
    for k in range(4):
        for budget in (lengths[k], (lengths[k + 1] - 1) if k < 3 else lengths[k] + 50):
            assert rag_messages("Be brief.", "Q?", passages, tokenizer, budget) == rag_prompt("Be brief.", "Q?",
                                                                                            passages[:k])
    # the third passage fits where the second does not, but a lower-ranked passage never jumps the queue
    assert rag_messages("Be brief.", "Q?", [passages[0], "x " * 200, "Yes."], tokenizer, lengths[3]) == rag_prompt(
        "Be brief.", "Q?", passages[:1])
    with pytest.raises(ValueError):
        rag_messages("Be brief.", "Q?", passages, tokenizer, lengths[0] - 1)

def test_markdown_and_csv_become_chat_examples(tmp_path: Path) -> None:
    doc = "# Reset your password\nClick Forgot password.\nWe email a link.\n\nIgnored.\n\n## Is there an API?\nYes.\n"
    assert markdown_sections(doc) == [("Reset your password", "Click Forgot password. We email a link."),
                                      ("Is there an API?", "Yes.")]
    pairs = documents_to_qa([doc])
    assert len(pairs) == 4 and pairs[-1] == ("Is there an API?", "Yes.")
    assert [m["role"] for m in chat_example(*pairs[0])["messages"]] == ["system", "user", "assistant"]
    good, bad = tmp_path / "qa.csv", tmp_path / "bad.csv"
    good.write_text("question,answer\nWhere is X?,In Y.\n")
    bad.write_text("q,a\nWhere is X?,In Y.\n")
    assert read_qa_csv(good) == [("Where is X?", "In Y.")]
    with pytest.raises(CourseError, match="question"):
        read_qa_csv(bad)
    with pytest.raises(CourseError, match="does not exist"):
        read_qa_csv(tmp_path / "missing.csv")
    with pytest.raises(CourseError, match="no files"):
        folder_to_qa(tmp_path / "no_such_folder")


@pytest.mark.parametrize(("n", "size", "overlap"), [(0, 4, 1), (4, 4, 1), (5, 4, 1), (10, 4, 1), (11, 4, 2), (9, 3, 0)])
def test_chunks_cover_everything_with_overlap(n: int, size: int, overlap: int) -> None:
    ids = list(range(n))
    chunks = chunk_tokens(ids, size, overlap)
    assert len(chunks) == chunk_count(n, size, overlap)
    assert all(len(c) <= size for c in chunks)
    assert sorted(set().union(*map(set, chunks))) == ids
    for first, second in itertools.pairwise(chunks):
        assert first[-overlap:] == second[:overlap] if overlap else first[-1] + 1 == second[0]
    with pytest.raises(ValueError):
        chunk_tokens(ids, 4, 4)


class WordTokenizer:
    """A stand-in tokenizer: one id per word."""

    def __init__(self) -> None:
        self.vocab: list[str] = []

    def __call__(self, text: str, add_special_tokens: bool = False) -> dict:
        for word in text.split():
            if word not in self.vocab:
                self.vocab.append(word)
        return {"input_ids": [self.vocab.index(w) for w in text.split()]}

    def decode(self, ids: list[int]) -> str:
        return " ".join(self.vocab[i] for i in ids)


def test_map_reduce_summarizes_every_window_then_the_joined_summaries() -> None:
    calls: list[list[str]] = []

    def first_words(texts: list[str]) -> list[str]:
        calls.append(texts)
        return [" ".join(t.split()[:2]) for t in texts]

    text = " ".join(f"w{i}" for i in range(10))
    assert map_reduce([text, "a b c"], first_words, WordTokenizer(), size=4, overlap=0) == ["w0 w1", "a b"]
    assert calls[0] == ["w0 w1 w2 w3", "w4 w5 w6 w7", "w8 w9"]  # "a b c" fits one window: no map step
    assert calls[1] == ["w0 w1 w4 w5", "w8 w9"] and calls[2] == ["w0 w1 w8 w9", "a b c"]


def test_faithfulness_flags_invented_numbers_and_parties() -> None:
    source = ("This Lease is made on 3 May 2025 between Kestrel Labs (the Landlord) and Lumen Freight (the Tenant). "
              "The monthly rent is $12,500.")
    assert numbers_in("Rent is $12,500 from 3 May.") == {"12500", "3"}
    assert "Kestrel Labs" in names_in("Kestrel Labs rents it. Late payment costs extra.")
    assert "Late" not in names_in("Kestrel Labs rents it. Late payment costs extra.")
    assert faithfulness_violations("Kestrel Labs leases an office to Lumen Freight at $12,500 a month.", source) == []
    assert faithfulness_violations("Kestrel Labs leases to Bluefin Systems at $13,000.", source) == [
        "13000", "Bluefin Systems"]
    assert faithfulness_rate(["Lumen Freight pays $12,500.", "It costs 7 dollars."], [source, source]) == 0.5
    assert math.isclose(support_rate(["Lumen Freight pays $12,500.", "It costs 7 dollars."], [source, source]), 2 / 3)


def test_triage_parsing_and_safety_parts() -> None:
    answer = f"Triage level: SELF-CARE. Rest at home. I cannot advise on doses. {DISCLAIMER}"
    assert extract_triage_level(answer) == "self-care"
    assert extract_triage_level("triage level: Urgent.") == "urgent"
    assert extract_triage_level("You are fine.") is None
    assert has_disclaimer(answer) and refuses(answer) and not escalates(answer)
    assert escalates("Call emergency services now.")
    assert handled_as(answer, "refuse") and handled_as(answer, "triage") and not handled_as(answer, "escalate")


def test_triage_scores_and_recall_match_sklearn() -> None:
    true = ["emergency", "emergency", "urgent", "routine", "self-care", "urgent"]
    pred = ["emergency", "routine", "emergency", "routine", None, "urgent"]
    for level in ("emergency", "urgent", "routine"):
        want = recall_score(true, [p or "none" for p in pred], labels=[level], average="macro", zero_division=0)
        assert math.isclose(recall_at_level(true, pred, level), want)
    assert recall_at_level(true, pred, ("emergency", "urgent")) == 3 / 4
    assert under_triage_rate(true, pred) == 2 / 6
    scores = triage_scores(true, [f"Triage level: {p}. {DISCLAIMER}" if p else "Hmm." for p in pred])
    assert scores["accuracy"] == 3 / 6 and scores["disclaimer_rate"] == 5 / 6


def test_guard_answers_crises_and_adds_what_is_missing() -> None:
    assert escalates(guard("I want to end my life tonight."))
    assert escalates(guard("I took 10 Restine pills an hour ago."))
    assert guard("My knee hurts.") is None
    seen: list[str] = []

    def model(messages: list[str]) -> list[str]:
        seen.extend(messages)
        return ["Triage level: ROUTINE. Book an appointment." for _ in messages]

    replies = guarded(model)(["I want to end my life.", "My knee hurts. What dose of Calmadol should I take?"])
    assert seen == ["My knee hurts. What dose of Calmadol should I take?"]
    assert escalates(replies[0]) and refuses(replies[1]) and all(map(has_disclaimer, replies))
    scope = OUT_OF_SCOPE_ANSWER
    assert refuses(scope) and escalates(scope) and extract_triage_level(scope) is None



def test_fresh_output_dir_never_reuses_a_run(tmp_path: Path) -> None:
    first = fresh_output_dir("lesson", root=tmp_path)
    (first / "model.safetensors").write_text("weights")
    second = fresh_output_dir("lesson", root=tmp_path)
    assert (first.name, second.name) == ("run-001", "run-002") and list(second.iterdir()) == []
    (tmp_path / "lesson" / "run-007").mkdir()
    assert fresh_output_dir("lesson", root=tmp_path).name == "run-008"
    assert (first / "model.safetensors").read_text() == "weights"
