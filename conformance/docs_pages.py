"""``conformance docs``: each pack's living documentation, for the policy staff who own it.

No results, only the specification: the policy's identity and sections, each clause with its
paraphrase and the section it cites, the readings the kit takes of open sentences with the
scenarios that confirm them, every scenario in its Gherkin words, and a glossary of the step
phrases (each with a real example from the features) to write a new scenario with. One
self-contained page a pack and an index; built from whatever packs ``features/`` holds.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .bdd_private import StepDefinition, step_definitions
from .errors import KitError
from .lint import STEP_MODULES, parse_feature
from .outputs import write_text
from .packs import Pack, load_packs, request_packs
from .pages.gherkin import scenario_block
from .pages.shell import anchor, page, text
from .phrases import step_modules

__all__ = ["DocumentedScenario", "render_index", "render_pack", "write_docs"]

_CLAUSE, _READING, _POLARITIES = "clause:", "reading:", ("applies", "near-miss")


@dataclass(frozen=True)
class DocumentedScenario:
    """A scenario as the documentation shows it: where it is, what it tags, its words."""

    pack: str
    feature: Path
    name: str
    line: int
    tags: frozenset[str]
    #: The steps of each rendering (one per Examples row), as (keyword type, text).
    steps: tuple[tuple[str, str], ...]
    #: How many scenarios a run counts for it: one an Examples row, and a contract scenario once
    #: with the requests of each policy pack.
    runs: int = 1

    @property
    def anchor(self) -> str:
        return anchor("scenario", self.feature.stem, self.line)

    @property
    def clause(self) -> str:
        return next((t[len(_CLAUSE) :] for t in sorted(self.tags) if t.startswith(_CLAUSE)), "")

    @property
    def readings(self) -> list[str]:
        return sorted(t[len(_READING) :] for t in self.tags if t.startswith(_READING))

    @property
    def polarity(self) -> str:
        return next((t for t in _POLARITIES if t in self.tags), "")


def page_name(pack: Pack) -> str:
    return anchor(pack.id) + ".html"


def pack_scenarios(pack: Pack, packs: list[Pack] | None = None) -> list[DocumentedScenario]:
    """Every scenario of the pack, in file order; a feature that does not parse is a usage error.

    ``packs`` (every pack) says how many policy packs' requests a contract scenario runs with.
    """
    sources = len(request_packs(pack, packs)) if packs is not None else 1
    found = []
    for feature in pack.features:
        scenarios, problems = parse_feature(feature)
        if problems:
            raise KitError(str(problems[0]))
        for scenario in sorted(scenarios, key=lambda s: s.line):
            steps = tuple(
                dict.fromkeys(
                    (kind, words)
                    for rendering in scenario.renderings
                    for kind, words, _ in rendering
                )
            )
            found.append(
                DocumentedScenario(
                    pack.id,
                    feature,
                    scenario.name,
                    scenario.line,
                    frozenset(scenario.tags),
                    steps,
                    runs=len(scenario.renderings) * sources,
                )
            )
    return found


def _scenario(scenario: DocumentedScenario) -> list[str]:
    block = scenario_block(scenario.feature, scenario.line) or scenario.name
    tags = " ".join(f"@{t}" for t in sorted(scenario.tags))
    readings = ", ".join(
        f'<a href="#{anchor("reading", r)}">{text(r)}</a>' for r in scenario.readings
    )
    return [
        f'<div class="scenario" id="{scenario.anchor}">',
        f'<p class="muted"><code>{text(scenario.feature.name)}:{scenario.line}</code> · '
        f"{text(scenario.polarity or 'no polarity')}"
        + (f" · confirms reading {readings}" if readings else "")
        + f' · <span class="tags">{text(tags)}</span></p>',
        f'<pre class="gherkin">{text(block)}</pre>',
        "</div>",
    ]


def _glossary_rows(
    definitions: list[StepDefinition], scenarios: list[DocumentedScenario], here: str
) -> list[str]:
    # An example from this pack when it has one, else from any pack, linked where it is written.
    rows = []
    for index, definition in enumerate(definitions):
        example = None
        for scenario in sorted(scenarios, key=lambda s: s.pack != here):
            for kind, words in scenario.steps:
                if kind == definition.type and definition.parser.is_matching(words):
                    example = (scenario, words)
                    break
            if example:
                break
        if example:
            scenario, words = example
            target = (
                ("" if scenario.pack == here else anchor(scenario.pack) + ".html")
                + "#"
                + scenario.anchor
            )
            shown = f'<code>{text(words)}</code> (<a href="{target}">{text(scenario.name)}</a>)'
        else:
            shown = '<span class="muted">no feature uses it yet</span>'
        keyword = (definition.type or "any").capitalize()
        rows.append(
            f'<tr id="{anchor("step", index)}"><td>{text(keyword)}</td>'
            f"<td><code>{text(definition.parser.name)}</code></td><td>{shown}</td></tr>"
        )
    return rows


def render_pack(
    pack: Pack, scenarios: list[DocumentedScenario], definitions: list[StepDefinition]
) -> str:
    """The documentation page of one pack; ``scenarios`` are every pack's, for the glossary."""
    own = [s for s in scenarios if s.pack == pack.id]
    by_clause: dict[str, list[DocumentedScenario]] = defaultdict(list)
    by_reading: dict[str, list[DocumentedScenario]] = defaultdict(list)
    for scenario in own:
        by_clause[scenario.clause].append(scenario)
        for reading_id in scenario.readings:
            by_reading[reading_id].append(scenario)
    policy = pack.policy or {}
    facts = [("Pack", pack.id), ("Kind", pack.kind)] + [
        (key.replace("_", " ").capitalize(), value) for key, value in policy.items()
    ]
    sections: dict[str, list[str]] = defaultdict(list)
    for clause in pack.clauses.values():
        sections[clause.section].append(clause.id)
    body = [
        '<p><a href="index.html">All packs</a></p>',
        f"<h1>{text(pack.title)}</h1>",
        '<dl class="facts">'
        + "".join(f"<dt>{text(k)}</dt><dd>{text(v)}</dd>" for k, v in facts)
        + "</dl>",
        '<nav class="toc"><a href="#sections">Sections</a><a href="#clauses">Clauses</a>'
        '<a href="#readings">Readings</a><a href="#glossary">Step phrases</a></nav>',
        '<h2 id="sections">Policy sections and their clauses</h2>',
        "<ul>",
        *(
            f"<li>{text(section)}: "
            + ", ".join(f'<a href="#{anchor("clause", c)}"><code>{text(c)}</code></a>' for c in ids)
            + "</li>"
            for section, ids in sections.items()
        ),
        "</ul>",
        '<h2 id="clauses">Clauses</h2>',
        "<p>Each clause is one rule of the policy in the kit's words. Scenarios tagged "
        "<code>@applies</code> show the clause deciding a request; <code>@near-miss</code> "
        "scenarios show a request that just misses it.</p>",
    ]
    for clause in pack.clauses.values():
        readings = [r for r in pack.readings.values() if clause.id in r.clauses]
        body += [
            f'<section class="clause" id="{anchor("clause", clause.id)}">',
            f"<h3><code>{text(clause.id)}</code></h3>",
            '<dl class="facts">',
            f"<dt>Policy section</dt><dd>{text(clause.section)}</dd>",
            f"<dt>What it says</dt><dd>{text(clause.paraphrase)}</dd>",
            f"<dt>Notes</dt><dd>{text(' '.join(clause.notes.split()))}</dd>"
            if clause.notes
            else "",
            "<dt>Readings</dt><dd>"
            + (
                ", ".join(
                    f'<a href="#{anchor("reading", r.id)}">{text(r.id)}</a>' for r in readings
                )
                or "none"
            )
            + "</dd>",
            "</dl>",
            f"<h4>Scenarios ({sum(s.runs for s in by_clause.get(clause.id, []))})</h4>",
        ]
        for scenario in by_clause.get(clause.id, []):
            body += _scenario(scenario)
        body.append("</section>")
    body.append('<h2 id="readings">Readings of open sentences</h2>')
    if not pack.readings:
        body.append("<p>This pack takes no reading: none of its sentences is open.</p>")
    for reading in pack.readings.values():
        confirming = by_reading.get(reading.id, [])
        body += [
            f'<section id="{anchor("reading", reading.id)}">',
            f"<h3>{text(reading.id)}</h3>",
            '<dl class="facts">',
            "<dt>Clauses</dt><dd>"
            + ", ".join(
                f'<a href="#{anchor("clause", c)}"><code>{text(c)}</code></a>'
                for c in reading.clauses
            )
            + "</dd>",
            f"<dt>Question</dt><dd>{text(reading.question)}</dd>",
            f"<dt>Reading</dt><dd>{text(reading.reading)}</dd>",
            f"<dt>Why</dt><dd>{text(reading.why)}</dd>",
            "<dt>Confirmed by</dt><dd>"
            + (
                "<ul>"
                + "".join(f'<li><a href="#{s.anchor}">{text(s.name)}</a></li>' for s in confirming)
                + "</ul>"
                if confirming
                else "no scenario yet"
            )
            + "</dd>",
            "</dl>",
            "</section>",
        ]
    body += [
        '<h2 id="glossary">Step phrases</h2>',
        "<p>The phrases a scenario may use, as the kit's step definitions read them. A word in "
        "braces is filled in (<code>{years:d}</code> takes a whole number); each phrase has an "
        "example taken from the features. A request starts from a named base case: "
        "<code>Given a request for ...</code>.</p>",
        "<table><tr><th>keyword</th><th>phrase</th><th>example</th></tr>",
        *_glossary_rows(definitions, scenarios, pack.id),
        "</table>",
    ]
    return page(f"{pack.title}: living documentation", body)


def _policy_line(pack: Pack) -> str:
    policy = pack.policy or {}
    return " ".join(str(policy[k]) for k in ("issuer", "version") if policy.get(k))


def render_index(packs: list[Pack], scenarios: list[DocumentedScenario]) -> str:
    """The page that lists every pack."""
    counts: dict[str, int] = defaultdict(int)
    for scenario in scenarios:
        counts[scenario.pack] += scenario.runs
    rows = [
        f'<tr><td><a href="{page_name(p)}">{text(p.title)}</a></td><td>{text(p.kind)}</td>'
        f"<td>{text(_policy_line(p))}</td>"
        f'<td class="n">{len(p.clauses)}</td><td class="n">{len(p.readings)}</td>'
        f'<td class="n">{counts[p.id]}</td></tr>'
        for p in packs
    ]
    body = [
        "<h1>Policy packs: living documentation</h1>",
        "<p>What the kit checks an engine against, clause by clause, in the policy's words. "
        "No results are shown here: a run's own report does that.</p>",
        "<table><tr><th>pack</th><th>kind</th><th>policy</th><th>clauses</th><th>readings</th>"
        "<th>scenarios</th></tr>",
        *rows,
        "</table>",
    ]
    return page("Policy packs: living documentation", body)


def write_docs(out: Path) -> list[Path]:
    """Write the index and one page a pack into ``out`` (created); the pages written."""
    packs = load_packs()
    definitions = step_definitions((*STEP_MODULES, *step_modules(packs)))
    scenarios = [s for pack in packs for s in pack_scenarios(pack, packs)]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for pack in packs:
        path = out / page_name(pack)
        write_text(path, render_pack(pack, scenarios, definitions))
        written.append(path)
    index = out / "index.html"
    write_text(index, render_index(packs, scenarios))
    return [index, *written]
