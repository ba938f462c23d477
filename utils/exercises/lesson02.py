"""Visible checks for lesson 02's exercises (NER labels and spans, ROUGE-1, a mean-pooling classifier); heavy imports
at the top, so a grading worker pays them once, not once per exercise."""

from __future__ import annotations

from collections.abc import Callable

import torch
from rouge_score import rouge_scorer
from torch import nn
from transformers import ModernBertConfig, ModernBertForSequenceClassification
from transformers.modeling_outputs import SequenceClassifierOutput

from utils.checking import exercise, expect, expect_close, expect_int_list, expect_tensor, expect_type


@exercise("2.1", "align_labels")
def check_align_labels(align_labels: Callable[[list, list], list]) -> None:
    """align_labels puts each word's label on its first token and -100 on special tokens and later pieces."""
    cases = [
        ([None, 0, 1, 1, 2, None], [1, 0, 5], [-100, 1, 0, -100, 5, -100]),
        ([None, 0, 0, 0, None], [3], [-100, 3, -100, -100, -100]),
        ([0, 1, 2], [4, 4, 0], [4, 4, 0]),
        ([None, 0, 1, 1, None, None], [7, 8], [-100, 7, 8, -100, -100, -100]),
    ]
    for word_ids, labels, want in cases:
        got = align_labels(list(word_ids), list(labels))
        what = f"align_labels({word_ids}, {labels})"
        expect_int_list(got, want, what)


@exercise("2.2", "bio_spans")
def check_bio_spans(bio_spans: Callable[[list], list]) -> None:
    """bio_spans reads BIO tags into (type, first, last) entity spans, the way seqeval does."""
    cases = [
        (["B-PER", "I-PER", "O", "B-LOC"], [("PER", 0, 1), ("LOC", 3, 3)]),
        (["O", "O"], []),
        (["B-ORG", "B-ORG", "I-ORG", "I-ORG"], [("ORG", 0, 0), ("ORG", 1, 3)]),
        (["I-MISC", "I-MISC", "O", "I-PER"], [("MISC", 0, 1), ("PER", 3, 3)]),
        (["B-PER", "I-LOC", "I-LOC"], [("PER", 0, 0), ("LOC", 1, 2)]),
        (["O", "B-LOC", "I-LOC"], [("LOC", 1, 2)]),
    ]
    for tags, want in cases:
        got = bio_spans(list(tags))
        what = f"bio_spans({tags})"
        expect_type(got, list, what)
        expect(all(type(s) is tuple and len(s) == 3 for s in got), f"{what} should be a list of (type, first, last).")
        expect(all(type(t) is str and type(a) is int and type(b) is int for t, a, b in got),
               f"{what}: each span is (str, int, int).")
        expect(got == want, f"{what} should be {want}, got {got}.")


@exercise("2.3", "rouge1_f1")
def check_rouge1(rouge1_f1: Callable[[str, str], float]) -> None:
    """rouge1_f1 matches the rouge-score library's ROUGE-1 F1 (no stemming) on several pairs."""
    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=False)
    pairs = [("the cat sat on the mat", "the cat sat on the mat"),
             ("The cat, the CAT sat!", "the cat sat on the mat"),
             ("Rent is $1,200 a month.", "The rent is 1,200 dollars per month"),
             ("the the the", "the cat"), ("dogs bark", "the cat sat"), ("", "the cat")]
    for prediction, reference in pairs:
        got = rouge1_f1(prediction, reference)
        want = scorer.score(reference, prediction)["rouge1"].fmeasure
        expect_close(got, want, f"rouge1_f1({prediction!r}, {reference!r})", rtol=1e-6, atol=1e-9)


def tiny_mean_pool_encoder(num_labels: int = 3) -> ModernBertForSequenceClassification:
    """A 2-layer ModernBERT classifier of width 16 with random weights that pools the mean of its token vectors; its
    dense-activation-norm head is replaced by the identity, so it computes classifier(masked mean) like the exercise."""
    torch.manual_seed(0)
    config = ModernBertConfig(vocab_size=64, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                              num_attention_heads=2, max_position_embeddings=32, pad_token_id=0, bos_token_id=1,
                              eos_token_id=2, cls_token_id=1, sep_token_id=2, classifier_pooling="mean",
                              num_labels=num_labels)
    model = ModernBertForSequenceClassification(config)
    model.head = nn.Identity()
    return model


@exercise("2.4", "MeanPoolClassifier")
def check_mean_pool_classifier(MeanPoolClassifier: type) -> None:
    """MeanPoolClassifier matches transformers' ModernBERT classifier with classifier_pooling="mean" (its extra head
    left out) in logits and loss, trains body and head, or only the head with freeze_body=True."""
    reference = tiny_mean_pool_encoder().eval()
    body = reference.model
    model = MeanPoolClassifier(body, 3)
    expect(isinstance(model, nn.Module), f"MeanPoolClassifier(body, 3) should be an nn.Module, got "
                                         f"{type(model).__name__}.")
    expect(getattr(model, "body", None) is body, "MeanPoolClassifier(body, 3) should keep the body it was given as "
                                                 "`self.body`.")
    head = getattr(model, "classifier", None)
    expect_type(head, nn.Linear, "`self.classifier` of MeanPoolClassifier(body, 3)")
    expect((head.in_features, head.out_features) == (16, 3), "`self.classifier` should map the body's hidden size "
                                                             f"(16) to 3 labels, got {head.in_features} -> "
                                                             f"{head.out_features}.")
    expect(head.bias is not None, "`self.classifier` should have a bias, as nn.Linear has by default.")
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    want = sum(p.numel() for p in body.parameters()) + 16 * 3 + 3
    expect(trainable == want, f"without freeze_body every weight of the body and of the head should train: "
                              f"{want:,} parameters, got {trainable:,}.")
    head.load_state_dict(reference.classifier.state_dict())
    model.eval()
    ids = torch.randint(3, 64, (3, 7), generator=torch.Generator().manual_seed(1))
    mask = torch.ones(3, 7, dtype=torch.long)
    mask[1, 4:], mask[2, 2:] = 0, 0
    ids[mask == 0] = 0
    labels = torch.tensor([0, 2, 1])
    with torch.no_grad():
        want_out = reference(input_ids=ids, attention_mask=mask, labels=labels)
        states = body(input_ids=ids, attention_mask=mask).last_hidden_state
        out = model(input_ids=ids, attention_mask=mask)
    what = "model(input_ids=..., attention_mask=...)"
    expect_type(out, SequenceClassifierOutput, what)
    expect(out.loss is None, f"{what} without labels should return loss=None.")
    expect_tensor(out.logits, (3, 3), torch.float32, f"the logits of {what} (a batch of 3 rows, 3 labels)")
    if torch.allclose(out.logits, head(states.mean(dim=1)), atol=1e-5):
        expect(False, f"the logits of {what} average the padding positions too: divide the sum over the positions "
                      "whose attention_mask is 1 by their number.")
    if torch.allclose(out.logits, head(states[:, 0]), atol=1e-5):
        expect(False, f"the logits of {what} read the first token's vector only; pool the mean of the real tokens.")
    expect_close(out.logits, want_out.logits, f"the logits of {what} (compared with transformers' ModernBERT "
                                              "classifier, classifier_pooling='mean')", rtol=1e-4, atol=1e-5)
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, labels=labels)
    expect_type(out, SequenceClassifierOutput, "model(..., labels=labels)")
    expect_tensor(out.loss, (), torch.float32, "the loss of model(..., labels=labels)")
    expect_close(out.loss, want_out.loss, "the loss of model(..., labels=labels) (the mean cross-entropy of the "
                                          "logits against the labels)", rtol=1e-4, atol=1e-6)
    model.train()
    model(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()
    expect(head.weight.grad is not None and body.embeddings.tok_embeddings.weight.grad is not None,
           "the loss should send gradients to the head and into the body.")
    frozen_body = tiny_mean_pool_encoder().model
    probe = MeanPoolClassifier(frozen_body, 2, freeze_body=True)
    still = [n for n, p in frozen_body.named_parameters() if p.requires_grad]
    expect(not still, f"with freeze_body=True the body should be frozen, but {len(still)} of its tensors still "
                      f"train (e.g. {still[:1]}).")
    trains = sum(p.numel() for p in probe.parameters() if p.requires_grad)
    expect(trains == 16 * 2 + 2, f"with freeze_body=True only the head should train: 34 parameters (16 x 2 "
                                 f"weights, 2 biases), got {trains}.")
