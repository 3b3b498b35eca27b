"""Evaluation reports: Markdown and HTML with embedded matplotlib plots, failing questions,
and the change against a previous run."""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import Any

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
    "language_match",
    "judge_faithfulness",
    "judge_relevance",
    "latency_p50_ms",
    "latency_p95_ms",
)


def failing_questions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Questions that went wrong, each with what was expected and what came back."""
    failures = []
    for q in data["questions"]:
        problems = []
        metrics = q["metrics"]
        if q["compliance"] and not q["refused"]:
            problems.append(f"compliance trap ({q['compliance']}) not refused")
        elif not q["answerable"] and not q["compliance"] and not (q["abstained"] or q["refused"]):
            problems.append("answered an unanswerable question")
        elif q["answerable"] and not q["compliance"] and (q["abstained"] or q["refused"]):
            problems.append("abstained on an answerable question")
        if metrics.get("hit@5") == 0.0:
            problems.append("expected document not in the top 5")
        if metrics.get("key_fact_recall", 1.0) < 1.0:
            problems.append(f"key-fact recall {metrics['key_fact_recall']:.2f}")
        if metrics.get("citation_precision", 1.0) < 1.0:
            problems.append(f"citation precision {metrics['citation_precision']:.2f}")
        if metrics.get("language_match", 1.0) < 1.0:
            problems.append(f"answered in {q['answer_language']}, asked in {q['lang']}")
        if problems:
            failures.append(
                {
                    "id": q["id"],
                    "question": q["question"],
                    "problems": problems,
                    "expected_sources": q["expected_sources"],
                    "key_facts": q["key_facts"],
                    "retrieved": [p["source"] for p in q["retrieved"][:5]],
                    "answer": q["answer"],
                }
            )
    return failures


def compare(current: dict[str, Any], previous: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name in HEADLINE:
        now, before = current["summary"].get(name), previous["summary"].get(name)
        if now is None or before is None:
            continue
        delta = round(now - before, 4)
        worse = delta > 0 if name in LOWER_IS_BETTER else delta < 0
        tolerance = 0.1 * abs(before) if name.startswith("latency") else 1e-9
        rows.append(
            {
                "metric": name,
                "previous": before,
                "current": now,
                "change": delta,
                "regression": worse and abs(delta) > tolerance,
            }
        )
    return rows


def _png(figure) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def plots(data: dict[str, Any], folder: Path) -> dict[str, str]:
    """Metric bars per language and per tag, and a latency histogram; saved as PNG files."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    saved: dict[str, str] = {}
    breakdown = data["summary"].get("breakdown", {})
    for prefix, title in (("lang:", "by language"), ("tag:", "by tag")):
        groups = {k[len(prefix) :]: v for k, v in breakdown.items() if k.startswith(prefix)}
        if not groups:
            continue
        metrics = [
            m
            for m in ("hit@5", "key_fact_recall", "citation_precision", "language_match")
            if any(m in g for g in groups.values())
        ]
        figure, axis = plt.subplots(figsize=(max(6, len(groups) * 0.9), 3.6))
        width = 0.8 / max(len(metrics), 1)
        names = sorted(groups)
        for i, metric in enumerate(metrics):
            axis.bar(
                [x + i * width for x in range(len(names))],
                [groups[n].get(metric, 0.0) for n in names],
                width,
                label=metric,
            )
        axis.set_xticks(
            [x + 0.4 - width / 2 for x in range(len(names))],
            names,
            rotation=45,
            ha="right",
            fontsize=8,
        )
        axis.set_ylim(0, 1.05)
        axis.set_title(f"Metrics {title}")
        axis.legend(fontsize=7)
        name = "metrics_by_" + prefix.rstrip(":") + ".png"
        figure.savefig(folder / name, dpi=90, bbox_inches="tight")
        saved[name] = _png(figure)
        plt.close(figure)
    figure, axis = plt.subplots(figsize=(6, 3))
    axis.hist([q["latency_ms"] for q in data["questions"]], bins=20, color="#4a7ab5")
    axis.set_xlabel("latency (ms)")
    axis.set_ylabel("questions")
    axis.set_title("Answer latency")
    figure.savefig(folder / "latency.png", dpi=90, bbox_inches="tight")
    saved["latency.png"] = _png(figure)
    plt.close(figure)
    return saved


def write_report(
    data: dict[str, Any], folder: Path, previous: dict[str, Any] | None = None
) -> Path:
    """Write report.md and report.html (plots embedded) into ``folder``; returns the HTML."""
    folder.mkdir(parents=True, exist_ok=True)
    images = plots(data, folder)
    summary = data["summary"]
    failures = failing_questions(data)
    changes = compare(data, previous) if previous else []
    meta = data["meta"]
    md = [
        f"# Evaluation: {meta['set']}",
        "",
        f"{meta['questions']} questions, mode {meta['mode']}, {meta['date']}.",
        "",
        "| metric | value |",
        "|---|---|",
    ]
    md += [f"| {name} | {summary[name]} |" for name in HEADLINE if name in summary]
    if meta.get("threshold_failures"):
        md += ["", "## Below thresholds", ""] + [f"- **{f}**" for f in meta["threshold_failures"]]
    if changes:
        md += [
            "",
            "## Change against the previous run",
            "",
            "| metric | previous | current | change |",
            "|---|---|---|---|",
        ]
        md += [
            f"| {c['metric']} | {c['previous']} | {c['current']} | "
            f"{'**' if c['regression'] else ''}{c['change']:+}{' (regression)**' if c['regression'] else ''} |"  # noqa: E501
            for c in changes
        ]
    md += ["", "## Plots", ""] + [f"![{name}]({name})" for name in images]
    md += ["", f"## Failing questions ({len(failures)})", ""]
    for f in failures:
        md += [
            f"### {f['id']}: {f['question']}",
            "",
            "- " + "; ".join(f["problems"]),
            f"- expected sources: {', '.join(f['expected_sources']) or '(none)'}",
            f"- key facts: {f['key_facts']}",
            f"- retrieved: {', '.join(f['retrieved'])}",
            "",
            "```",
            f["answer"],
            "```",
            "",
        ]
    (folder / "report.md").write_text("\n".join(md), encoding="utf-8")

    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(n)}</td><td>{summary[n]}</td></tr>" for n in HEADLINE if n in summary
    )
    parts = [
        f"<h1>Evaluation: {esc(meta['set'])}</h1>",
        f"<p>{meta['questions']} questions, mode {esc(meta['mode'])}, {esc(meta['date'])}.</p>",
        f"<table border=1 cellpadding=4><tr><th>metric</th><th>value</th></tr>{rows}</table>",
    ]
    if meta.get("threshold_failures"):
        parts.append(
            "<h2>Below thresholds</h2><ul>"
            + "".join(
                f"<li><b style='color:#b00'>{esc(f)}</b></li>" for f in meta["threshold_failures"]
            )
            + "</ul>"
        )
    if changes:
        parts.append(
            "<h2>Change against the previous run</h2><table border=1 cellpadding=4>"
            "<tr><th>metric</th><th>previous</th><th>current</th><th>change</th></tr>"
            + "".join(
                f"<tr{' style=background:#fdd' if c['regression'] else ''}><td>{esc(c['metric'])}</td>"  # noqa: E501
                f"<td>{c['previous']}</td><td>{c['current']}</td><td>{c['change']:+}</td></tr>"
                for c in changes
            )
            + "</table>"
        )
    parts.append(
        "<h2>Plots</h2>"
        + "".join(
            f"<img alt='{esc(name)}' src='data:image/png;base64,{data64}'/>"
            for name, data64 in images.items()
        )
    )
    parts.append(f"<h2>Failing questions ({len(failures)})</h2>")
    for f in failures:
        parts.append(
            f"<h3>{esc(f['id'])}: {esc(f['question'])}</h3><p>{esc('; '.join(f['problems']))}</p>"
            f"<p>expected: {esc(', '.join(f['expected_sources']))} — key facts: {esc(str(f['key_facts']))}"  # noqa: E501
            f"<br>retrieved: {esc(', '.join(f['retrieved']))}</p><pre>{esc(f['answer'])}</pre>"
        )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>KAM Coach evaluation</title>"
        "</head><body style='font-family:sans-serif;max-width:1000px'>"
        + "".join(parts)
        + "</body></html>"
    )
    target = folder / "report.html"
    target.write_text(page, encoding="utf-8")
    return target
