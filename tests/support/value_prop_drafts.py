"""Accounts and drafts shared by the value proposition coach's tests: a strong and a weak
English draft for one account, a Chinese draft, and two knowledge-base notes (public and
internal) for citations."""

from __future__ import annotations

from pathlib import Path

from tests.support.factories import write

EVALS = Path(__file__).resolve().parents[2] / "evals" / "coaching"

ACCOUNT = {
    "name": "Riverbend Health Network",
    "type": "IDN",
    "level": 3,
    "stakeholders": [
        {"role": "Chief Financial Officer", "concerns": ["budget predictability"]},
        "P&T committee chair",
        {"role": "Director of care management"},
    ],
    "objectives": ["Reduce 30-day heart failure readmissions", "Shift follow-up care to clinics"],
    "pain_points": ["Readmission penalties"],
}

STRONG = (
    "Riverbend wants to cut 30-day heart failure readmissions and shift follow-up care to its "
    "clinics. We propose a nurse-led discharge follow-up programme run by an independent vendor, "
    "with our medicine used within its approved indication. For the CFO, our budget impact model "
    "on Riverbend's own data shows costs offset by avoided readmission penalties. For the P&T "
    "committee, the phase III data. For care management, a discharge checklist. Success "
    "measures: readmission rate down from 21% to 17% within 12 months, reviewed quarterly. For "
    "our company, the partnership means a place in the network's heart failure pathway."
)

WEAK = "Our new tablet is once daily and well tolerated. We would like it added to your formulary."

ZH_ACCOUNT = {
    "name": "安和醫療體系",
    "type": "醫院集團",
    "level": 2,
    "stakeholders": ["藥劑部主任", "財務長"],
    "objectives": ["縮短病人從診斷到開始治療的時間"],
    "pain_points": ["輸注室排程壅塞"],
}

ZH_DRAFT = (
    "安和醫療體系希望縮短病人從診斷到開始治療的時間。我們建議聯合照護路徑計畫，在核准適應症內使用本公司的皮下注射劑型，"
    "紓解輸注室排程壅塞。對藥劑部主任，我們提供調劑作業指引；對財務長，我們以貴院成本建立預算衝擊模型。"
    "目標是六個月內等候天數由 21 天降至 14 天。對本公司而言，這可讓產品納入標準治療路徑。"
)

BEST_PRACTICE_MD = """---
title: Value proposition best practice
doc_type: best_practice
language: en
access: public
source: test
date: 2026-01-01
---
# Value proposition best practice

## Stakeholders
Give each stakeholder of the decision-making unit the message that matters to them: finance
wants budget impact, pharmacy wants formulary evidence.

## Measures of success
Agree measures of success with the account: a KPI, its baseline, a target and a time frame.
"""

INTERNAL_MD = """---
title: Internal value proposition notes
doc_type: playbook
language: en
access: internal
source: test
date: 2026-01-01
---
# Internal value proposition notes

## Stakeholders and measures
Internal: each stakeholder of the decision-making unit gets measures of success, a KPI,
baseline, target and time frame, and the budget impact for finance.
"""


def results(report) -> dict[str, str]:
    return {c.id: c.result for c in report.criteria}


def ingest_knowledge_base(folder: Path, services) -> None:
    """The public best-practice note and the internal note, indexed into ``services``."""
    write(folder / "best-practice.md", BEST_PRACTICE_MD)
    write(folder / "internal.md", INTERNAL_MD)
    services.ingestor.ingest([folder], "kb")
