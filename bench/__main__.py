"""`python -m bench` (`make bench`): every figure beside its baseline, results.json, the table.

Figures run one after another, each with its own app process; progress goes to stderr. The
table is printed, written to bench/results.json with the machine it ran on, and written into
README.md between its table markers (the prose about unmet targets is written by hand).

`python -m bench parse parse_worst` runs only the figures named (by their results.json keys)
and replaces just their entries; the table is written from every entry, and its footer says
which figures were measured alone since the last full run, and when (results.json's
`partial`).
"""

from __future__ import annotations

import json
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench import calls, core, delivery, latency, memory, parse_worst, speedup, streams
from bench.harness import Figure

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"
README = HERE.parent / "README.md"
TABLE_START = "<!-- bench-table -->"
TABLE_END = "<!-- /bench-table -->"

# (results.json key, what the progress line says, the measurement)
STEPS: list[tuple[str, str, Callable[[], Figure]]] = [
    ("delivery", "webhook delivery vs bare aiohttp", delivery.measure),
    ("calls", "whole calls per second", calls.measure),
    ("speedup", "virtual-time speedup", speedup.measure),
    ("memory", "memory per call (subprocesses)", memory.measure),
    ("latency", "added latency at 1,000 calls (real clock, ~60 s)", latency.measure),
    ("parse", "BXML parsing", core.measure_parse),
    ("serialize", "event serialization", core.measure_serialize),
    ("parse_worst", "BXML worst-case parse, adversarial documents", parse_worst.measure),
    (
        "streams",
        "media streams: 200 real-time streams beside bare aiohttp, 3 rounds each (~60 s)",
        streams.measure,
    ),
]


def machine() -> dict[str, str | int]:
    """The CPU (from /proc/cpuinfo), its core count, and the Python that ran the benchmark."""
    cpu = "unknown"
    cores = 0
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.partition(":")[2].strip()
                cores += 1
    return {
        "cpu": cpu,
        "cores": cores,
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "system": f"{platform.system()} {platform.release()}",
    }


def _number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(figures: list[Figure]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| figure | value | baseline | ratio | target | met |",
        "|---|---:|---:|---:|---|:-:|",
    ]
    for figure in figures:
        lines.append(
            f"| {figure.title} | {_number(figure.value)} {figure.unit}"
            f" | {_number(figure.baseline)} ({figure.baseline_label})"
            f" | {figure.ratio:.2f} | {figure.target_text} | {'yes' if figure.met else '**no**'} |"
        )
    return "\n".join(lines)


def _update_section(text: str) -> None:
    if not README.exists():
        return
    readme = README.read_text()
    start, end = readme.find(TABLE_START), readme.find(TABLE_END)
    if start < 0 or end < start:
        print(f"no {TABLE_START} markers in {README}: table not written", file=sys.stderr)
        return
    README.write_text(readme[: start + len(TABLE_START)] + "\n" + text + "\n" + readme[end:])


def _stored(entry: dict[str, object]) -> Figure:
    """A figure back from its results.json entry."""
    fields = {name: entry[name] for name in Figure.__dataclass_fields__ if name in entry}
    return Figure(**fields)  # type: ignore[arg-type]


def main(keys: list[str]) -> None:
    """Run every figure (or those whose keys are given), then print and write the results."""
    known = [key for key, _, _ in STEPS]
    unknown = sorted(set(keys) - set(known))
    if unknown:
        sys.exit(f"unknown figure {', '.join(unknown)}; the figures are {', '.join(known)}")
    steps = [step for step in STEPS if not keys or step[0] in keys]
    figures: dict[str, Figure] = {}
    began = time.perf_counter()
    for number, (key, what, step) in enumerate(steps, 1):
        print(f"[{number}/{len(steps)}] {what} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        figure = step()
        figures[key] = figure
        print(
            f"      {_number(figure.value)} {figure.unit}, baseline {_number(figure.baseline)},"
            f" {'met' if figure.met else 'NOT met'} ({time.perf_counter() - started:.0f} s)",
            file=sys.stderr,
            flush=True,
        )
    host = machine()
    when = datetime.now(UTC).strftime("%Y-%m-%d")
    results: dict[str, object] = json.loads(RESULTS.read_text()) if keys else {}
    results.update({key: figure.entry() for key, figure in figures.items()})
    if keys:
        # Every figure measured since the last full run, by key, with its date.
        earlier = results.get("partial")
        partial = dict(earlier.get("runs", {})) if isinstance(earlier, dict) else {}
        partial.update(dict.fromkeys(figures, when))
        results["partial"] = {"runs": partial}
    else:
        results["machine"] = host
        results["date"] = when
        results.pop("partial", None)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    shown = [
        figures[key] if key in figures else _stored(results[key])  # type: ignore[arg-type]
        for key in known
        if key in figures or key in results
    ]
    text = table(shown)
    on = f"{host['cpu']}, {host['cores']} cores, {host['python']}, {host['system']}; {when}"
    if keys:
        runs: dict[str, str] = results["partial"]["runs"]  # type: ignore[index]
        alone = ", ".join(f"{key} {date}" for key, date in runs.items())
        on = f"{on} (measured alone: {alone}; the other figures on {results.get('date')})"
    _update_section(f"{text}\n\nMeasured on {on}.")
    print()
    print(text)
    print(f"\n{on}. Took {time.perf_counter() - began:.0f} s; details in {RESULTS}.")


if __name__ == "__main__":
    main(sys.argv[1:])
