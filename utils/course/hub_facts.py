"""Facts about the hub models and data sets the `small` and `full` profiles use: real configs, tokenizers, splits.

Numbers, names and token ids come from the public model and data set cards and config files; no text or code of
them is copied. `utils.course.hub_standins` builds offline stand-ins from these facts (sizes shrunk), `utils.memory`
estimates a T4's peak from the real sizes, and `benchmarks/gpu_check.py` builds full-size random-weight models.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ModelFacts:
    """One hub model: its transformers config (real sizes), stored dtype and tokenizer facts."""

    architecture: str  # the class named in config.json "architectures"
    config: dict[str, Any]  # config.json fields that matter (model_type first); sizes are the real ones
    dtype: str  # the dtype the checkpoint is stored in ("float32" or "bfloat16")
    tokenizer: str  # "byte-bpe" (GPT-2), "sentencepiece-bpe" (Llama), "unigram" (T5) or "wordpiece" (uncased BERT)
    vocab: int  # entries in the tokenizer, special tokens included (can be below the config's vocab_size)
    special: dict[str, int]  # special token -> id
    roles: dict[str, str | None]  # bos/eos/unk/pad/cls/sep/mask -> the special token, or None when absent
    chat_template: str | None = None  # None, or the format of the real one ("chatml")
    default_system: str | None = None  # the system message the real template adds when a chat has none
    add_bos: bool = False  # whether the tokenizer prepends bos to every text
    add_eos: bool = False  # whether the tokenizer appends eos to every text (T5)
    model_max_length: int = 1024
    params: int = 0  # parameters of the real model (for checks and tables)
    extra: dict[str, Any] = field(default_factory=dict)


GPT2 = dict(model_type="gpt2", n_positions=1024, n_ctx=1024, vocab_size=50257, bos_token_id=50256,
            eos_token_id=50256, activation_function="gelu_new")
GPT2_TOKENS = dict(tokenizer="byte-bpe", vocab=50257, special={"<|endoftext|>": 50256},
                   roles={"bos": "<|endoftext|>", "eos": "<|endoftext|>", "unk": "<|endoftext|>", "pad": None})
SMOL_SPECIAL = {name: i for i, name in enumerate(
    ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<repo_name>", "<reponame>", "<file_sep>", "<filename>",
     "<gh_stars>", "<issue_start>", "<issue_comment>", "<issue_closed>", "<jupyter_start>", "<jupyter_text>",
     "<jupyter_code>", "<jupyter_output>", "<jupyter_script>", "<empty_output>"])}
SMOL = dict(model_type="llama", hidden_act="silu", max_position_embeddings=8192, rms_norm_eps=1e-5,
            rope_theta=100000.0, tie_word_embeddings=True, vocab_size=49152)
SMOL_135M = SMOL | dict(hidden_size=576, intermediate_size=1536, num_hidden_layers=30, num_attention_heads=9,
                        num_key_value_heads=3)  # the base and the instruct model share the shape, not the specials
SMOL_BASE_ROLES = {"bos": "<|endoftext|>", "eos": "<|endoftext|>", "unk": "<|endoftext|>", "pad": None}
SMOL_SYSTEM = "You are a helpful AI assistant named SmolLM, trained by Hugging Face"
QWEN_SPECIAL = {name: 151643 + i for i, name in enumerate(
    ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>", "<|box_start|>",
     "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>", "<|vision_end|>", "<|vision_pad|>",
     "<|image_pad|>", "<|video_pad|>", "<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>",
     "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>"])}
QWEN = dict(model_type="qwen2", hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
            num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768, rope_theta=1000000.0,
            rms_norm_eps=1e-6, tie_word_embeddings=True, vocab_size=151936, hidden_act="silu",
            use_sliding_window=False, bos_token_id=151643)
QWEN_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."
T5_SPECIAL = {"<pad>": 0, "</s>": 1, "<unk>": 2} | {f"<extra_id_{i}>": 32099 - i for i in range(100)}
T5 = dict(model_type="t5", d_kv=64, vocab_size=32128, relative_attention_num_buckets=32, pad_token_id=0,
          eos_token_id=1, decoder_start_token_id=0)
T5_TOKENS = dict(tokenizer="unigram", vocab=32100, special=T5_SPECIAL,
                 roles={"eos": "</s>", "unk": "<unk>", "pad": "<pad>"}, add_eos=True, model_max_length=512)

MODELS: dict[str, ModelFacts] = {
    "openai-community/gpt2": ModelFacts(
        "GPT2LMHeadModel", GPT2 | dict(n_embd=768, n_layer=12, n_head=12), "float32", **GPT2_TOKENS,
        params=124_439_808),
    "openai-community/gpt2-medium": ModelFacts(
        "GPT2LMHeadModel", GPT2 | dict(n_embd=1024, n_layer=24, n_head=16), "float32", **GPT2_TOKENS,
        params=354_823_168),
    "HuggingFaceTB/SmolLM2-135M": ModelFacts(
        "LlamaForCausalLM", SMOL_135M | dict(bos_token_id=0, eos_token_id=0), "bfloat16", "byte-bpe", 49152,
        SMOL_SPECIAL, SMOL_BASE_ROLES, model_max_length=8192, params=134_515_008),
    "HuggingFaceTB/SmolLM2-135M-Instruct": ModelFacts(
        "LlamaForCausalLM", SMOL_135M | dict(bos_token_id=1, eos_token_id=2, pad_token_id=2), "bfloat16", "byte-bpe",
        49152, SMOL_SPECIAL,
        {"bos": "<|im_start|>", "eos": "<|im_end|>", "unk": "<|endoftext|>", "pad": "<|im_end|>"},
        chat_template="chatml", default_system=SMOL_SYSTEM, model_max_length=8192, params=134_515_008),
    "HuggingFaceTB/SmolLM2-360M": ModelFacts(
        "LlamaForCausalLM", SMOL | dict(hidden_size=960, intermediate_size=2560, num_hidden_layers=32,
                                        num_attention_heads=15, num_key_value_heads=5, bos_token_id=0,
                                        eos_token_id=0),
        "bfloat16", "byte-bpe", 49152, SMOL_SPECIAL, SMOL_BASE_ROLES, model_max_length=8192, params=361_821_120),
    "Qwen/Qwen2.5-0.5B": ModelFacts(
        "Qwen2ForCausalLM", QWEN | dict(eos_token_id=151643), "bfloat16", "byte-bpe", 151665, QWEN_SPECIAL,
        {"bos": None, "eos": "<|endoftext|>", "unk": None, "pad": "<|endoftext|>"},
        chat_template="chatml", default_system=QWEN_SYSTEM, model_max_length=131072, params=494_032_768),
    "Qwen/Qwen2.5-0.5B-Instruct": ModelFacts(
        "Qwen2ForCausalLM", QWEN | dict(eos_token_id=151645), "bfloat16", "byte-bpe", 151665, QWEN_SPECIAL,
        {"bos": None, "eos": "<|im_end|>", "unk": None, "pad": "<|endoftext|>"},
        chat_template="chatml", default_system=QWEN_SYSTEM, model_max_length=131072, params=494_032_768),
    "mistralai/Mistral-7B-v0.1": ModelFacts(
        "MistralForCausalLM",
        dict(model_type="mistral", hidden_size=4096, intermediate_size=14336, num_hidden_layers=32,
             num_attention_heads=32, num_key_value_heads=8, max_position_embeddings=32768, rope_theta=10000.0,
             sliding_window=4096, rms_norm_eps=1e-5, tie_word_embeddings=False, vocab_size=32000,
             hidden_act="silu", bos_token_id=1, eos_token_id=2),
        "bfloat16", "sentencepiece-bpe", 32000, {"<unk>": 0, "<s>": 1, "</s>": 2},
        {"bos": "<s>", "eos": "</s>", "unk": "<unk>", "pad": None}, add_bos=True, model_max_length=32768,
        params=7_241_732_096, extra={"gated": True}),
    "answerdotai/ModernBERT-base": ModelFacts(
        "ModernBertForMaskedLM",
        dict(model_type="modernbert", hidden_size=768, intermediate_size=1152, num_hidden_layers=22,
             num_attention_heads=12, global_attn_every_n_layers=3, local_attention=128,
             max_position_embeddings=8192, vocab_size=50368, pad_token_id=50283, bos_token_id=50281,
             eos_token_id=50282, cls_token_id=50281, sep_token_id=50282, global_rope_theta=160000.0,
             local_rope_theta=10000.0, classifier_pooling="mean"),
        "float32", "byte-bpe", 50368,
        {"[UNK]": 50280, "[CLS]": 50281, "[SEP]": 50282, "[PAD]": 50283, "[MASK]": 50284},
        {"unk": "[UNK]", "cls": "[CLS]", "sep": "[SEP]", "pad": "[PAD]", "mask": "[MASK]"},
        model_max_length=8192, params=149_014_272),
    "google-t5/t5-small": ModelFacts(
        "T5ForConditionalGeneration",
        T5 | dict(d_model=512, d_ff=2048, num_layers=6, num_decoder_layers=6, num_heads=8,
                  feed_forward_proj="relu", tie_word_embeddings=True),
        "float32", **T5_TOKENS, params=60_506_624),
    "google/flan-t5-base": ModelFacts(
        "T5ForConditionalGeneration",
        T5 | dict(d_model=768, d_ff=2048, num_layers=12, num_decoder_layers=12, num_heads=12,
                  feed_forward_proj="gated-gelu", tie_word_embeddings=False),
        "float32", **T5_TOKENS, params=247_577_856),
    "sentence-transformers/all-MiniLM-L6-v2": ModelFacts(  # a sentence encoder: mean pooling, no head
        "BertModel",
        dict(model_type="bert", hidden_size=384, intermediate_size=1536, num_hidden_layers=6, num_attention_heads=12,
             max_position_embeddings=512, type_vocab_size=2, vocab_size=30522, hidden_act="gelu",
             layer_norm_eps=1e-12, pad_token_id=0),
        "float32", "wordpiece", 30522, {"[PAD]": 0, "[UNK]": 100, "[CLS]": 101, "[SEP]": 102, "[MASK]": 103},
        {"unk": "[UNK]", "cls": "[CLS]", "sep": "[SEP]", "pad": "[PAD]", "mask": "[MASK]"},
        model_max_length=512, params=22_713_216),
}


@dataclass(frozen=True)
class DatasetFacts:
    """One hub data set: config, splits with their real row counts, and its features as `datasets` spells them."""

    config: str  # the config (subset) name on the hub
    splits: dict[str, int]  # split -> real number of rows
    features: dict[str, Any]  # column -> "string" | "float64" | {"class_label": [...]} | {"list": ...}
    revision: str | None = None  # the revision the course loads (None: main)


NER_TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
POS_TAG_COUNT, CHUNK_TAG_COUNT = 47, 23
MESSAGE = {"list": {"content": "string", "role": "string"}}

DATASETS: dict[str, DatasetFacts] = {
    "Salesforce/wikitext": DatasetFacts(
        "wikitext-2-raw-v1", {"test": 4358, "train": 36718, "validation": 3760}, {"text": "string"}),
    "stanfordnlp/imdb": DatasetFacts(
        "plain_text", {"train": 25000, "test": 25000, "unsupervised": 50000},
        {"text": "string", "label": {"class_label": ["neg", "pos"]}}),
    "eriktks/conll2003": DatasetFacts(
        "conll2003", {"train": 14041, "validation": 3250, "test": 3453},
        {"id": "string", "tokens": {"list": "string"},
         "pos_tags": {"list": {"class_label": [f"POS{i}" for i in range(POS_TAG_COUNT)]}},
         "chunk_tags": {"list": {"class_label": [f"CHUNK{i}" for i in range(CHUNK_TAG_COUNT)]}},
         "ner_tags": {"list": {"class_label": NER_TAGS}}},
        revision="refs/convert/parquet"),  # main still holds a loading script, which datasets >= 4 refuses
    "FiscalNote/billsum": DatasetFacts(
        "default", {"train": 18949, "test": 3269, "ca_test": 1237},
        {"text": "string", "summary": "string", "title": "string"}),
    "bitext/Bitext-customer-support-llm-chatbot-training-dataset": DatasetFacts(
        "default", {"train": 26872},
        {"flags": "string", "instruction": "string", "category": "string", "intent": "string",
         "response": "string"}),
    "trl-lib/ultrafeedback_binarized": DatasetFacts(
        "default", {"train": 62135, "test": 1000},
        {"chosen": MESSAGE, "rejected": MESSAGE, "score_chosen": "float64", "score_rejected": "float64"}),
}
