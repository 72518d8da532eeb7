"""``python -m policy_conformance.reference --oneshot | --jsonl``: the reference as a program."""

import sys

from .cli import main

sys.exit(main())
