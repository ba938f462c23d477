"""`python -m utils.finetune`: the command line (utils.finetune.cli)."""

from utils.finetune.cli import main

raise SystemExit(main())
