"""``python -m reference --oneshot | --jsonl``: the reference engine as a command-line program."""

import sys

from .cli import main

sys.exit(main())
