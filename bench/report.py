"""The figures as a table on the terminal and in bench/RESULTS.md.

The generated part sits between two markers; whatever is written around it by
hand (the reading of the figures) survives the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.scenarios import Outcome


def _markers(scenarios: str) -> tuple[str, str]:
    # One block per selection of scenarios: a run of `--only c` keeps the full run's.
    return (
        f"<!-- bench/dispatcher.py --only {scenarios}: generated figures begin -->",
        f"<!-- bench/dispatcher.py --only {scenarios}: generated figures end -->",
    )


@dataclass
class Run:
    command: str
    scenarios: str
    scale: str
    started: datetime
    seconds: float
    facts: dict[str, Any]
    outcome: Outcome


def table(outcome: Outcome) -> str:
    rows = ["| scenario | measure | value | target | verdict |", "| --- | --- | --- | --- | --- |"]
    for figure in outcome.figures:
        cells = (figure.scenario, figure.measure, figure.value, figure.target, figure.verdict)
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows)


def terminal(outcome: Outcome) -> str:
    width = max((len(f.scenario) for f in outcome.figures), default=10)
    measure = max((len(f.measure) for f in outcome.figures), default=10)
    lines = []
    for f in outcome.figures:
        verdict = f"  [{f.target}: {f.verdict}]" if f.target else ""
        value = f.value.replace("**", "")
        label = f.measure.replace("`", "").replace("**", "")
        lines.append(f"{f.scenario:<{width}}  {label:<{measure}}  {value}{verdict}")
    return "\n".join(lines)


def markdown(run: Run) -> str:
    facts = run.facts
    settings = ", ".join(f"{name}={value}" for name, value in facts["postgres_settings"].items())
    targets = [f for f in run.outcome.figures if f.target]
    begin, end = _markers(run.scenarios)
    parts = [
        begin,
        f"## Figures: scenarios {', '.join(run.scenarios)} (generated)",
        "",
        f"- **Date:** {run.started:%Y-%m-%d %H:%M} UTC; the run took {run.seconds / 60:.1f} min",
        f"- **Machine:** {facts['cpu']}, {facts['memory']} RAM, {facts['os']}",
        f"- **PostgreSQL** {facts['postgres']} ({settings}); **Redis** {facts['redis']}",
        f"- **Python** {facts['python']}; {facts['libraries']}",
        f"- **Machine load:** {facts.get('load', 'not recorded')}",
        f"- **Scale:** {run.scale}",
        "- **Command** (from the project root):",
        "",
        "  ```sh",
        f"  {run.command}",
        "  ```",
        "",
        table(run.outcome),
        "",
        "### Targets",
        "",
    ]
    for figure in targets:
        parts.append(
            f"- {figure.scenario}, {figure.measure.replace('**', '')}: "
            f"{figure.value.replace('**', '')} against {figure.target} — **{figure.verdict}**"
        )
    if run.outcome.notes:
        parts += ["", "### Notes", ""]
        parts += [f"- {note}" for note in run.outcome.notes]
    for title, text in run.outcome.sections:
        parts += details(title, text)
    parts.append(end)
    return "\n".join(parts) + "\n"


def details(title: str, text: str) -> list[str]:
    """A folded section of preformatted text."""
    summary = f"<details><summary>{title}</summary>"
    return ["", summary, "", "```", text.rstrip(), "```", "", "</details>"]


def write(path: Path, run: Run) -> None:
    begin, end = _markers(run.scenarios)
    replace_block(path, begin=begin, end=end, block=markdown(run))


def replace_block(path: Path, *, begin: str, end: str, block: str) -> None:
    """Put `block` (which starts with `begin` and ends with `end`) where the
    previous one stood, or at the end of the file; the rest is left as it is."""
    current = path.read_text() if path.exists() else "# Benchmarks\n"
    if begin in current and end in current:
        head, rest = current.split(begin, 1)
        tail = rest.split(end, 1)[1].lstrip("\n")
        path.write_text(head + block + ("\n" + tail if tail else ""))
        return
    path.write_text(current.rstrip("\n") + "\n\n" + block)
