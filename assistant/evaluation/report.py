"""Evaluation reports: what a run's report says (its metrics, the thresholds it missed, the
change against a previous run, plots, failing questions), written as report.md and report.html
with the plots as PNG files beside them (and embedded in the HTML)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from assistant.evaluation.document import (
    BulletList,
    Code,
    Document,
    Image,
    Paragraph,
    Row,
    Section,
    Table,
    to_html,
    to_markdown,
)
from assistant.evaluation.results import (
    EvaluationRun,
    MetricSummary,
    QuestionResult,
    RunMeta,
    RunSummary,
)
from assistant.evaluation.runner import LOWER_IS_BETTER

HEADLINE = (
    "hit@5",
    "recall@5",
    "mrr@10",
    "ndcg@10",
    "key_fact_recall",
    "citation_precision",
    "citation_recall",
    "abstention_accuracy",
    "wrongful_abstention",
    "compliance_refusal_rate",
    "compliance_rule_match",
    "language_match",
    "judge_faithfulness",
    "judge_relevance",
    "latency_p50_ms",
    "latency_p95_ms",
)
PLOTTED = ("hit@5", "key_fact_recall", "citation_precision", "language_match")


@dataclass(frozen=True)
class Failure:
    """A question that went wrong, with what was expected and what came back."""

    id: str
    question: str
    problems: list[str]
    expected_sources: list[str]
    key_facts: list[Any]
    retrieved: list[str]
    answer: str


@dataclass(frozen=True)
class Change:
    """One headline metric against the previous run."""

    metric: str
    previous: float
    current: float
    change: float
    regression: bool


# The JSON form back into the typed results -------------------------------------------------


def _metric_summary(data: Mapping[str, Any]) -> MetricSummary:
    values = {k: v for k, v in data.items() if k not in ("questions", "breakdown")}
    return MetricSummary(data.get("questions", 0), values)


def summary_of(data: Mapping[str, Any]) -> RunSummary:
    """A run's summary from its JSON form (``EvaluationRun.as_dict()['summary']``)."""
    overall = _metric_summary(data)
    breakdown = {k: _metric_summary(g) for k, g in data.get("breakdown", {}).items()}
    return RunSummary(overall.questions, overall.values, breakdown)


def run_of(data: Mapping[str, Any]) -> EvaluationRun:
    """A whole run from its JSON form (``EvaluationRun.as_dict()``)."""
    return EvaluationRun(
        RunMeta(**data["meta"]),
        summary_of(data["summary"]),
        [QuestionResult(**q) for q in data["questions"]],
    )


# What went wrong, and what changed ---------------------------------------------------------


def _problems(q: QuestionResult) -> list[str]:
    problems = []
    answered = not (q.abstained or q.refused)
    if q.compliance and not q.refused:
        problems.append(f"compliance trap ({q.compliance}) not refused")
    elif q.compliance and q.compliance_rule and q.rule and q.rule != q.compliance_rule:
        problems.append(f"compliance trap ({q.compliance}) refused as {q.rule}")
    elif not q.answerable and not q.compliance and answered:
        problems.append("answered an unanswerable question")
    elif q.answerable and not q.compliance and not answered:
        problems.append("abstained on an answerable question")
    metrics = q.metrics
    if metrics.get("hit@5") == 0.0:
        problems.append("expected document not in the top 5")
    if metrics.get("key_fact_recall", 1.0) < 1.0:
        problems.append(f"key-fact recall {metrics['key_fact_recall']:.2f}")
    if metrics.get("citation_precision", 1.0) < 1.0:
        problems.append(f"citation precision {metrics['citation_precision']:.2f}")
    if metrics.get("language_match", 1.0) < 1.0:
        problems.append(f"answered in {q.answer_language}, asked in {q.lang}")
    return problems


def failures(questions: list[QuestionResult]) -> list[Failure]:
    found = []
    for q in questions:
        problems = _problems(q)
        if problems:
            retrieved = [p["source"] for p in q.retrieved[:5]]
            found.append(
                Failure(
                    q.id, q.question, problems, q.expected_sources, q.key_facts, retrieved, q.answer
                )
            )
    return found


def changes(current: MetricSummary, previous: MetricSummary) -> list[Change]:
    found = []
    for name in HEADLINE:
        now, before = current.get(name), previous.get(name)
        if now is None or before is None:
            continue
        delta = round(now - before, 4)
        worse = delta > 0 if name in LOWER_IS_BETTER else delta < 0
        tolerance = 0.1 * abs(before) if name.startswith("latency") else 1e-9
        found.append(Change(name, before, now, delta, worse and abs(delta) > tolerance))
    return found


def failing_questions(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Questions that went wrong (JSON form), each with what was expected and what came back."""
    return [asdict(f) for f in failures(run_of(data).questions)]


def compare(current: Mapping[str, Any], previous: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The headline metrics of two runs (JSON form), a row each, regressions flagged."""
    now, before = summary_of(current["summary"]), summary_of(previous["summary"])
    return [asdict(c) for c in changes(now, before)]


# Plots -------------------------------------------------------------------------------------


def _png(figure) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    return buffer.getvalue()


def _bars(groups: dict[str, MetricSummary], title: str) -> bytes:
    import matplotlib.pyplot as plt

    metrics = [m for m in PLOTTED if any(m in g for g in groups.values())]
    names = sorted(groups)
    figure, axis = plt.subplots(figsize=(max(6, len(groups) * 0.9), 3.6))
    width = 0.8 / max(len(metrics), 1)
    for i, metric in enumerate(metrics):
        heights = [groups[n].get(metric, 0.0) for n in names]
        axis.bar([x + i * width for x in range(len(names))], heights, width, label=metric)
    ticks = [x + 0.4 - width / 2 for x in range(len(names))]
    axis.set_xticks(ticks, names, rotation=45, ha="right", fontsize=8)
    axis.set_ylim(0, 1.05)
    axis.set_title(f"Metrics {title}")
    axis.legend(fontsize=7)
    return _png(figure)


def _latency(latencies: list[float]) -> bytes:
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6, 3))
    axis.hist(latencies, bins=20, color="#4a7ab5")
    axis.set_xlabel("latency (ms)")
    axis.set_ylabel("questions")
    axis.set_title("Answer latency")
    return _png(figure)


def plots(run: EvaluationRun) -> dict[str, bytes]:
    """PNG images by file name: metric bars per language and per tag, a latency histogram."""
    import matplotlib

    matplotlib.use("Agg")
    images: dict[str, bytes] = {}
    breakdown = run.summary.breakdown
    for prefix, title in (("lang", "by language"), ("tag", "by tag")):
        start = prefix + ":"
        groups = {k.removeprefix(start): g for k, g in breakdown.items() if k.startswith(start)}
        if groups:
            images[f"metrics_by_{prefix}.png"] = _bars(groups, title)
    images["latency.png"] = _latency([q.latency_ms for q in run.questions])
    return images


# The document ------------------------------------------------------------------------------


def _change_section(rows: list[Change]) -> Section:
    def row(c: Change) -> Row:
        shown = f"{c.change:+}" + (" (regression)" if c.regression else "")
        return Row((c.metric, str(c.previous), str(c.current), shown), c.regression)

    header = ("metric", "previous", "current", "change")
    return Section("Change against the previous run", (Table(header, tuple(map(row, rows))),))


def _key_facts(facts: list[Any]) -> str:
    """Key facts, each with its alternatives: ``budget impact, TCO / total cost of care``."""
    shown = [" / ".join(map(str, f)) if isinstance(f, list) else str(f) for f in facts]
    return ", ".join(shown) or "(none)"


def _failure_section(f: Failure) -> Section:
    details = (
        "; ".join(f.problems),
        f"expected sources: {', '.join(f.expected_sources) or '(none)'}",
        f"key facts: {_key_facts(f.key_facts)}",
        f"retrieved: {', '.join(f.retrieved) or '(none)'}",
    )
    return Section(f"{f.id}: {f.question}", (BulletList(details), Code(f.answer)))


def build_document(
    run: EvaluationRun, images: dict[str, bytes], previous: RunSummary | None = None
) -> Document:
    """Everything the report says, once; ``to_markdown`` and ``to_html`` only render it."""
    meta, summary = run.meta, run.summary
    metrics = tuple(Row((n, str(summary.get(n)))) for n in HEADLINE if n in summary)
    blocks: list[Paragraph | Table | Section] = [
        Paragraph(f"{meta.questions} questions, mode {meta.mode}, {meta.date}."),
        Table(("metric", "value"), metrics),
    ]
    if meta.threshold_failures:
        below = BulletList(tuple(meta.threshold_failures), marked=True)
        blocks.append(Section("Below thresholds", (below,)))
    changed = changes(summary, previous) if previous is not None else []
    if changed:
        blocks.append(_change_section(changed))
    blocks.append(Section("Plots", tuple(Image(n, png) for n, png in images.items())))
    failing = failures(run.questions)
    blocks.append(
        Section(f"Failing questions ({len(failing)})", tuple(map(_failure_section, failing)))
    )
    return Document(f"Evaluation: {meta.set}", tuple(blocks))


def write_report(
    data: dict[str, Any], folder: Path, previous: dict[str, Any] | None = None
) -> Path:
    """Write report.md and report.html (plots embedded, and as PNG files beside them) into
    ``folder``, comparing with ``previous`` (a run's JSON form) if given; returns the HTML."""
    folder.mkdir(parents=True, exist_ok=True)
    run = run_of(data)
    images = plots(run)
    for name, png in images.items():
        (folder / name).write_bytes(png)
    before = summary_of(previous["summary"]) if previous else None
    document = build_document(run, images, before)
    (folder / "report.md").write_text(to_markdown(document), encoding="utf-8")
    target = folder / "report.html"
    target.write_text(to_html(document), encoding="utf-8")
    return target
