"""The value proposition coach: scores a draft against the rubric criterion by criterion
(offline), gives feedback and next questions citing best-practice passages, fills a canvas, and
with a language model proposes a rewrite."""

from __future__ import annotations

from typing import Any

from assistant.answering.service import answer_language
from assistant.coaching.common.account import AccountFileError, AccountProfile
from assistant.coaching.common.context import CoachContext
from assistant.coaching.common.report import CoachReport, CriterionResult
from assistant.coaching.value_prop.canvas import ValuePropCanvas, build_canvas, canvas_markdown
from assistant.coaching.value_prop.checks import CheckOutcome, ValuePropChecker, split_units
from assistant.coaching.value_prop.feedback import (
    cite_gaps,
    gaps_in_order,
    next_questions,
    overall_score,
    template_values,
)
from assistant.coaching.value_prop.rewrite import (
    RewriteError,
    ValuePropRewrite,
    call_model,
    new_figures,
    rewrite_prompt,
)
from assistant.coaching.value_prop.rubric import RUBRIC_FILE, load_rubric
from assistant.prompts import Messages
from assistant.rules.compliance import ComplianceGuard

KIND = "value_proposition"
MAX_DRAFT_CHARS = 20_000
INPUT_FIELDS = ("account", "draft")
MESSAGES_FILE = "value_prop_messages.yaml"


class ValuePropInputError(AccountFileError):
    """A value proposition input (file, account or draft) cannot be coached."""


def check_draft(draft: object, source: str = "") -> str:
    """The draft text, or a clear error when it is missing, not text, empty or too long."""
    prefix = f"{source}: " if source else ""
    if draft is None:
        raise ValuePropInputError(f"{prefix}'draft' is missing: write the value proposition text")
    if not isinstance(draft, str):
        raise ValuePropInputError(f"{prefix}'draft' must be text (the value proposition)")
    if not draft.strip() or not split_units(draft):
        raise ValuePropInputError(f"{prefix}the draft is empty: write the value proposition text")
    if len(draft) > MAX_DRAFT_CHARS:
        raise ValuePropInputError(
            f"{prefix}the draft is {len(draft):,} characters; keep it under {MAX_DRAFT_CHARS:,}"
        )
    return draft


def parse_input(data: dict[str, Any], source: str = "") -> tuple[AccountProfile, str]:
    """The account and the draft of a value-prop file (``account: {...}`` and ``draft: TEXT``)."""
    prefix = f"{source}: " if source else ""
    unknown = sorted(set(data) - set(INPUT_FIELDS))
    if unknown:
        raise ValuePropInputError(
            f"{prefix}unknown field(s) {', '.join(map(str, unknown))}; expected account and draft"
        )
    if "account" not in data:
        raise ValuePropInputError(
            f"{prefix}'account' is missing (type, level, stakeholders, objectives, pain_points)"
        )
    account = AccountProfile.from_mapping(data["account"], source)
    return account, check_draft(data.get("draft"), source)


class ValuePropCoach:
    """Offline review of a value proposition draft; ``rewrite`` needs ``context.chat_model``."""

    def __init__(
        self,
        context: CoachContext,
        rubric_name: str = RUBRIC_FILE,
        messages_name: str = MESSAGES_FILE,
    ) -> None:
        self._context = context
        self._rubric = load_rubric(context.library, rubric_name)
        self._messages = Messages(context.library, messages_name)
        self._checker = ValuePropChecker(
            self._rubric, context.encoder, ComplianceGuard(context.library)
        )

    @property
    def rubric_ids(self) -> tuple[str, ...]:
        return self._rubric.ids

    @property
    def messages(self) -> Messages:
        return self._messages

    def ensure_llm(self) -> None:
        """Raise a clear ``RewriteError`` when no language model is configured."""
        if self._context.chat_model is None:
            raise RewriteError(
                "Rewriting needs a language model: set KAM_LLM_PROVIDER to openai or local "
                "(see the README, Answers). The offline review works without one."
            )

    def review(
        self, account: AccountProfile | dict[str, Any], draft: str, *, cite: bool = True
    ) -> CoachReport:
        """Score the draft criterion by criterion, with evidence, feedback, next questions, a
        canvas and (``cite``) best-practice citations for the gaps."""
        if not isinstance(account, AccountProfile):
            account = AccountProfile.from_mapping(account)
        draft = check_draft(draft)
        language = answer_language(draft)
        outcomes = self._checker.check(account, draft)
        results = {cid: outcome.result for cid, outcome in outcomes.items()}
        score, capped = overall_score(self._rubric, results)
        gaps = gaps_in_order(self._rubric, results)
        citations = (
            cite_gaps(self._context, gaps, account, self._messages, language) if cite else {}
        )
        values = template_values(self._rubric, account, outcomes, self._messages, language)
        criteria = [
            self._criterion_result(criterion.id, outcomes[criterion.id], language, values)
            for criterion in self._rubric.criteria
        ]
        by_id = {c.id: c for c in criteria}
        feedback = self._feedback(criteria, results, score, capped, outcomes, language)
        feedback += [
            by_id[c.id].feedback + (f" [{citations[c.id].n}]" if c.id in citations else "")
            for c in gaps
        ]
        met = [c.name for c in criteria if c.result == "met"]
        if met:
            separator = "、" if language == "zh-Hant" else ", "
            feedback.append(self._messages.get("strengths", language, names=separator.join(met)))
        canvas_units = {
            name: self._checker.group_units("canvas", group, draft)
            for name, group in self._rubric.canvas_groups.items()
        }
        gap_names = [by_id[c.id].name for c in gaps]
        canvas = build_canvas(account, outcomes, self._rubric, language, canvas_units, gap_names)
        questions = next_questions(gaps, account, outcomes, self._rubric, self._messages, language)
        return CoachReport(
            kind=KIND,
            language=language,
            score=score,
            criteria=criteria,
            feedback=feedback,
            citations=sorted(citations.values(), key=lambda c: c.n),
            extras={"next_questions": questions, "canvas": canvas.as_dict()},
        )

    def _criterion_result(
        self, criterion_id: str, outcome: CheckOutcome, language: str, values: dict[str, object]
    ) -> CriterionResult:
        criterion = self._rubric.criterion(criterion_id)
        return CriterionResult(
            id=criterion.id,
            name=criterion.name(language),
            result=outcome.result,
            score=self._rubric.results[outcome.result],
            evidence=" … ".join(outcome.evidence[:2])[:400],
            feedback=self._messages.get(
                f"criteria.{criterion.id}.{outcome.result}", language, **values
            ),
        )

    def _feedback(
        self,
        criteria: list[CriterionResult],
        results: dict[str, str],
        score: float,
        capped: bool,
        outcomes: dict[str, CheckOutcome],
        language: str,
    ) -> list[str]:
        counts = {r: sum(1 for v in results.values() if v == r) for r in ("met", "partly")}
        lines = [
            self._messages.get(
                "summary", language, score=round(score * 100), total=len(criteria), **counts
            )
        ]
        if capped:
            cap = round(self._rubric.compliance_cap * 100)
            lines.append(self._messages.get("capped", language, cap=cap))
        compliance = outcomes[self._rubric.compliance_criterion]
        if "rule" in compliance.details:
            quote = compliance.evidence[0] if compliance.evidence else ""
            rule = str(compliance.details["rule"])
            lines.append(self._messages.get("guard_rule", language, rule=rule, quote=quote))
        fit = next(c for c in self._rubric.criteria if c.check == "account_fit")
        if outcomes[fit.id].details.get("no_objectives"):
            lines.append(self._messages.get("no_objectives", language))
        return lines

    def canvas_markdown(self, report: CoachReport) -> str:
        """The report's canvas as Markdown (for ``--canvas OUT.md`` and the UI)."""
        canvas = ValuePropCanvas.from_dict(report.extras["canvas"])
        return canvas_markdown(canvas, self._messages)

    def rewrite(
        self,
        account: AccountProfile | dict[str, Any],
        draft: str,
        review: CoachReport | None = None,
    ) -> ValuePropRewrite:
        """Ask the language model for a stronger draft, then score the rewrite offline."""
        self.ensure_llm()
        chat_model = self._context.chat_model
        assert chat_model is not None  # ensure_llm raised otherwise
        if not isinstance(account, AccountProfile):
            account = AccountProfile.from_mapping(account)
        draft = check_draft(draft)
        review = review or self.review(account, draft, cite=False)
        prompt = rewrite_prompt(
            self._context.library, self._rubric, account, draft, review, review.language
        )
        text = call_model(chat_model, prompt)
        rewritten = self.review(account, text, cite=False)
        rewritten.mode = "llm"
        profile = account.model_dump_json()
        return ValuePropRewrite(text, rewritten, review.score, new_figures(text, draft, profile))
