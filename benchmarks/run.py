"""Every speed goal of the kit in one run: ``python benchmarks/run.py``.

Each figure is measured side by side with its yardstick, in the same run: whole processes in
interleaved pairs (the order reversed every other round), their CPU seconds as the OS accounts
them (a process's children included), several rounds, the median printed. CPU rather than wall
time, because the machine is shared: another process's work lands on neither side's account.

- a scenario of ``conformance run`` against one of plain pytest-bdd on the same features, in its
  own environment (:mod:`bench_run`), at each size; a failing scenario against a passing one;
- a small run (``conformance run --clause INO-RR-BALL``), in CPU seconds, beside plain
  pytest-bdd on ten scenarios;
- cases through the ``jsonl:`` adapter against the raw pipe, the reference engine behind both
  (:mod:`drive`), as a rate ratio: the raw side's CPU over the adapter's for the same cases
  (the driver's and the engine's, as the OS accounts them, start-up left out);
- ``conformance replay`` of the exported corpus against the same raw pipe sending the same cases;
- ``conformance fuzz --cases 10000`` on one pack, the user's command, in wall seconds.

Prints each figure beside its goal and exits 1 when one is missed.

    python benchmarks/run.py                        # 1,000 and 10,000 scenarios, 3 rounds
    python benchmarks/run.py --sizes 1000 --rounds 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import bench_run
from common import KIT_ROOT, Usage, clean_environment, median_ratio, paired, row, usage

HERE = Path(__file__).resolve().parent
KIT = [sys.executable, "-m", "policy_conformance"]
JSONL_REFERENCE = f"jsonl:{sys.executable} -m policy_conformance.reference --jsonl"
#: Cases a pipe measure sends.
PIPE_CASES = 5000
SMALL_RUN_GOAL = 0.8
PIPE_GOAL = 0.9
REPLAY_GOAL = 0.5
FUZZ_GOAL = 15.0
FUZZ_CASES = 10_000


def cpu(runs: list[Usage]) -> list[float]:
    return [run.cpu for run in runs]


def checked(label: str, runs: list[Usage], code: int = 0) -> list[Usage]:
    codes = sorted({run.code for run in runs})
    if codes != [code]:
        raise SystemExit(f"{label}: exited {codes}, not {code}")
    return runs


def small_run(plain_python: Path, folder: Path, rounds: int) -> list[str]:
    plain = folder / "plain-small"
    (plain / "features").mkdir(parents=True)
    lines = ["Feature: Ten", ""]
    for index in range(10):
        lines += [f"  Scenario: Item {index}", "    Given a request", "    When it is decided"]
        lines += ["    Then it is covered", ""]
    (plain / "features" / "ten.feature").write_text("\n".join(lines))
    (plain / "test_plain.py").write_text(bench_run.PLAIN_STEPS)
    taken = paired(
        rounds,
        {
            "kit": lambda: usage(
                [*KIT, "run", "-q", "--clause", "INO-RR-BALL"], env=clean_environment()
            ),
            "plain": lambda: usage([str(plain_python), "-m", "pytest", "-q"], cwd=plain),
        },
    )
    kit = statistics.median(cpu(checked("small run", taken["kit"])))
    plain_cpu = statistics.median(cpu(checked("plain, ten scenarios", taken["plain"])))
    return [
        row("small run --clause INO-RR-BALL, CPU", kit, "<=", SMALL_RUN_GOAL, " s"),
        f"  (plain pytest-bdd, ten scenarios: {plain_cpu:.2f} s CPU)",
    ]


def pipes(folder: Path, rounds: int) -> list[str]:
    corpus = folder / "corpus"
    corpus.mkdir()
    checked("conformance export", [usage([*KIT, "export", "--out", str(corpus)])])
    files = sorted(str(path) for path in corpus.glob("*.corpus.json"))
    drive = [sys.executable, str(HERE / "drive.py")]
    environment = clean_environment()
    taken = paired(
        rounds,
        {
            "raw": lambda: usage([*drive, "raw", str(PIPE_CASES)], env=environment, capture=True),
            "jsonl": lambda: usage(
                [*drive, "jsonl", str(PIPE_CASES)], env=environment, capture=True
            ),
            "raw trivial": lambda: usage(
                [*drive, "raw", str(PIPE_CASES), "trivial"], env=environment, capture=True
            ),
            "jsonl trivial": lambda: usage(
                [*drive, "jsonl", str(PIPE_CASES), "trivial"], env=environment, capture=True
            ),
            "raw corpus": lambda: usage([*drive, "raw-corpus", *files], env=environment),
            "replay": lambda: usage(
                [*KIT, "replay", *files, "--adapter", JSONL_REFERENCE], env=environment
            ),
        },
    )
    for label, runs in taken.items():
        checked(label, runs)

    def sent(label: str) -> list[float]:
        return [run.reported for run in taken[label]]

    trivial = median_ratio(sent("raw trivial"), sent("jsonl trivial"))
    return [
        row(
            "jsonl: / raw pipe, reference engine",
            median_ratio(sent("raw"), sent("jsonl")),
            ">=",
            PIPE_GOAL,
        ),
        f"  (trivial engine behind both: {trivial:.2f}; {PIPE_CASES} cases a side, the CPU of"
        " sending them, the engine's included)",
        row(
            "conformance replay / raw pipe, exported corpus",
            median_ratio(cpu(taken["raw corpus"]), cpu(taken["replay"])),
            ">=",
            REPLAY_GOAL,
        ),
        "  (whole processes: the user's command against a raw driver sending the same cases)",
    ]


def fuzz(rounds: int) -> list[str]:
    command = [*KIT, "fuzz", "--adapter", "reference", "--pack", "inotuzumab_besponsa"]
    command += ["--cases", str(FUZZ_CASES), "--seed", "2026"]
    runs = checked(
        "conformance fuzz", [usage(command, env=clean_environment()) for _ in range(rounds)]
    )
    wall = statistics.median(run.wall for run in runs)
    return [
        row(
            f"conformance fuzz --cases {FUZZ_CASES:,}, one pack, wall", wall, "<=", FUZZ_GOAL, " s"
        ),
        f"  (CPU {statistics.median(cpu(runs)):.1f} s; wall counts the machine's other work)",
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    plain_python = bench_run.plain_python(Path(tempfile.gettempdir()) / "conformance-bench")
    print(f"kit: {KIT_ROOT}; {args.rounds} interleaved rounds a figure, medians", flush=True)
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="conformance-bench-") as name:
        folder = Path(name)
        for part in (
            lambda: small_run(plain_python, folder, args.rounds),
            lambda: pipes(folder, args.rounds),
            lambda: fuzz(args.rounds),
            *(
                lambda size=size: bench_run.measure(folder, plain_python, size, args.rounds)
                for size in args.sizes
            ),
        ):
            for line in part():
                print(line, flush=True)
                lines.append(line)
    return 1 if any(line.endswith("MISSED") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
