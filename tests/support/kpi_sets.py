"""Accounts and KPI sets shared by the metric (KPI) coach's tests: a balanced set, a sales-only
set, a Chinese set, the labelled sets' paths, and the knowledge base (the bundled corpus's KPI
documents and an internal note that must not leak)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from assistant.coaching.common.account import AccountProfile
from assistant.coaching.kpi.coach import MetricCoach
from assistant.coaching.kpi.model import parse_kpis
from tests.support.factories import write

ROOT = Path(__file__).resolve().parents[2]

DEV = ROOT / "evals" / "coaching" / "kpi_sets_dev.yaml"

HOLDOUT = ROOT / "evals" / "coaching" / "kpi_sets_holdout.yaml"

KB_DOCS = ("metrics/key-account-kpi-library.md", "metrics/kpi-targets-and-scorecard-design.md")

ACCOUNT = {
    "name": "Riverbend Health",
    "type": "IDN",
    "level": 3,
    "lifecycle_stage": "growth",
    "objectives": [
        "Reduce 30-day heart failure readmissions across Riverbend's hospitals",
        "Include guideline therapy in Riverbend's heart failure discharge pathway",
        "Engage Riverbend's cardiology and pharmacy leaders in a shared heart failure plan",
    ],
}


def kpi(name: str, **fields: str) -> dict[str, str]:
    base = {
        "definition": f"{name} in the account",
        "formula": "count ÷ planned × 100%",
        "data_source": "CRM records",
        "target": "90%",
        "time_frame": "quarterly",
        "owner": "KAM",
    }
    return {"name": name, **base, **fields}


BALANCED = [
    kpi(
        "Heart failure readmission rate in the joint project",
        definition="30-day heart failure readmission rate at the pilot hospitals, in aggregate",
        formula="readmissions within 30 days ÷ heart failure discharges × 100%",
        data_source="Riverbend quality dashboard (aggregated)",
        target="from 24% to 19%",
        time_frame="24 months",
        owner="account team (KAM, medical, HEOR)",
    ),
    kpi(
        "Discharge pathway inclusion",
        definition="guideline therapy included in the heart failure discharge pathway",
        formula="yes/no decision of the pathway committee",
        data_source="pathway committee minutes",
        target="included",
        time_frame="by Q3",
    ),
    kpi(
        "Cardiology and pharmacy leader coverage",
        definition="cardiology and pharmacy leaders engaged on the shared heart failure plan",
        formula="leaders engaged ÷ leaders mapped × 100%",
        target="85%",
        time_frame="each half-year",
    ),
    kpi(
        "Pathway milestones on time",
        definition="heart failure discharge pathway milestones reached on time",
        formula="milestones reached on time ÷ milestones planned × 100%",
        owner="KAM and market access manager",
    ),
    kpi(
        "Pharmacy leader stance",
        definition="stance of the pharmacy leader on a five-level scale with evidence",
        formula="level on the five-level stance scale",
        data_source="stakeholder map reviewed by the manager",
        target="from neutral to supporter",
        time_frame="12 months",
    ),
]

SALES_ONLY = [
    kpi("Net sales versus plan", definition="net sales in the account against plan"),
    kpi("Market share in class", definition="our share of the therapy class"),
    kpi("Revenue growth", definition="revenue growth versus last year", time_frame="annual"),
]

ZH_ACCOUNT = {
    "name": "東華醫療體系",
    "type": "醫療體系",
    "level": 3,
    "lifecycle_stage": "mature",
    "objectives": ["維持吸入劑在東華處方集的收載", "與東華共同推動吸入器技巧衛教專案"],
}

ZH_KPIS = [
    kpi(
        "處方集收載維持",
        definition="吸入劑在年度處方集檢討後維持收載",
        formula="維持收載品項數 ÷ 收載品項數",
        data_source="東華處方集清單",
        target="100%",
        time_frame="年度",
    ),
    kpi(
        "衛教專案里程碑完成率",
        definition="衛教專案約定里程碑如期完成的比例",
        formula="如期完成里程碑數 ÷ 應完成里程碑數 × 100%",
        data_source="專案會議紀錄",
        target="85%",
        time_frame="每季",
        owner="KAM 與醫學事務部",
    ),
]


def review(coach: MetricCoach, kpis: list[dict], **account: object):
    profile = AccountProfile.model_validate({**ACCOUNT, **account})
    return coach.review(profile, parse_kpis(kpis))


def results(report) -> dict[str, str]:
    return {c.id: c.result for c in report.criteria}


def write_kpi_file(tmp_path: Path, data) -> Path:
    path = tmp_path / "kpis.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def ingest_knowledge_base(folder: Path, services) -> None:
    """The KPI documents of the bundled corpus, and an internal note that must not leak."""
    folder.mkdir()
    for name in KB_DOCS:
        shutil.copy(ROOT / "corpus" / name, folder / Path(name).name)
    write(
        folder / "internal-kpi-targets.md",
        "---\ntitle: Leading indicators predict lagging results\naccess: internal\n---\n"
        "# Leading indicators predict lagging results in a balanced KAM scorecard\n"
        "Internal: leading indicators predict lagging results; a balanced KAM scorecard pairs "
        "leading indicators with lagging results, qualitative KPIs with a written rubric, and "
        "short-term with long-term goals.\n",
    )
    services.ingestor.ingest([folder], "kb")
