"""Shared code of the LLM training and fine-tuning course; lessons start with `from utils import setup`."""

import logging

from utils.course import setup

# bitsandbytes warns at import that an optional hub-hosted CPU kernel is absent; the course never fetches it.
logging.getLogger("bitsandbytes").setLevel(logging.ERROR)

__all__ = ["setup"]
