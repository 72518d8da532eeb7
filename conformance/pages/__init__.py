"""Pages for people: the run's HTML report and each pack's living documentation.

Every page is one self-contained HTML file (inline style, no script, nothing fetched from the
network) that reads the same in colour and in greyscale, because every colour carries a word.
"""

from .gherkin import scenario_block
from .run_report import render_run_report
from .shell import page

__all__ = ["page", "render_run_report", "scenario_block"]
