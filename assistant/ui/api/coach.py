"""Coaching for the web app and its API: value propositions, KPI sets, role-play sessions and
the trainer's view. Access rules (whose sessions a user sees) are enforced here."""

from __future__ import annotations

from typing import Any

from assistant.admin.users import User
from assistant.coaching.common.account import AccountProfile
from assistant.errors import KamError
from assistant.ui.context import AccessDenied, AppContext
from assistant.ui.inputs import InputError, bounded_text

KPI_FIELDS = ["name", "definition", "formula", "data_source", "target", "time_frame", "owner"]


def _lines(text: str | list | None) -> list[str]:
    if isinstance(text, list):
        return [str(t).strip() for t in text if str(t).strip()]
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def account_from_form(
    account_type: str,
    level: int | float | str,
    name: str = "",
    stakeholders: str | list = "",
    objectives: str | list = "",
    pain_points: str | list = "",
    lifecycle_stage: str | None = None,
) -> AccountProfile:
    data: dict[str, Any] = {
        "type": account_type,
        "level": level,
        "name": name or None,
        "stakeholders": _lines(stakeholders),
        "objectives": _lines(objectives),
        "pain_points": _lines(pain_points),
    }
    if lifecycle_stage:
        data["lifecycle_stage"] = lifecycle_stage
    return AccountProfile.from_mapping(data, "the account form")


def _account(ctx: AppContext, account: Any) -> dict[str, Any]:
    """An account mapping of bounded size (its text fields are free text)."""
    if not isinstance(account, dict):
        raise InputError("the account must be a mapping of fields")
    limit = ctx.services.settings.max_text_chars
    bounded_text(repr(account), "the account", limit)
    return account


def _link_citations(ctx: AppContext, user: User, report: Any, result: dict[str, Any]) -> None:
    """Each citation of a coaching report gets a link that opens its passage (signed for
    this user, like an answer's sources)."""
    from assistant.ui.api.chat import passage_link

    for citation, shown in zip(report.citations, result.get("citations", []), strict=False):
        shown["link"] = passage_link(ctx, user, citation.passage)


def review_value_prop(
    ctx: AppContext, user: User, account: dict[str, Any], draft: str, rewrite: bool = False
) -> dict[str, Any]:
    draft = bounded_text(draft, "the draft", ctx.services.settings.max_text_chars)
    coach = ctx.coaching("value_prop", user)
    profile = AccountProfile.from_mapping(_account(ctx, account), "the account")
    report = coach.review(profile, draft)
    result = report.as_dict()
    _link_citations(ctx, user, report, result)
    result["canvas_markdown"] = coach.canvas_markdown(report)
    if rewrite:
        result["rewrite"] = coach.rewrite(profile, draft, report).as_dict()
    return result


def review_kpis(
    ctx: AppContext, user: User, account: dict[str, Any], kpis: list[dict[str, Any]]
) -> dict[str, Any]:
    from assistant.coaching.kpi.model import parse_kpis
    from assistant.coaching.kpi.scorecard import scorecard_table, to_csv, to_markdown

    settings = ctx.services.settings
    if not isinstance(kpis, list) or not all(isinstance(k, dict) for k in kpis):
        raise InputError("the KPI table must be a list of rows")
    if len(kpis) > settings.max_table_rows:
        raise InputError(
            f"the KPI table has {len(kpis)} rows; the limit is {settings.max_table_rows}"
        )
    for kpi in kpis:
        for key, value in kpi.items():
            bounded_text(str(value), f"the KPI field '{str(key)[:40]}'", 2000)
    coach = ctx.coaching("metrics", user)
    profile = AccountProfile.from_mapping(_account(ctx, account), "the account")
    rows = [
        {k: str(v).strip() for k, v in kpi.items() if k in KPI_FIELDS and str(v).strip()}
        for kpi in kpis
    ]
    rows = [r for r in rows if r]
    if not rows:
        raise KamError("add at least one KPI with a name")
    report = coach.review(profile, parse_kpis(rows))
    result = report.as_dict()
    _link_citations(ctx, user, report, result)
    # The scorecard as the page shows and exports it, in the report's language.
    scored = report.extras.get("scorecard", [])
    header, body = scorecard_table(scored, coach.messages, report.language)
    result["scorecard_table"] = {"headers": header, "rows": body}
    result["scorecard_csv"] = to_csv(scored, coach.messages, report.language)
    result["scorecard_markdown"] = to_markdown(report, coach.messages)
    return result


# -- role-play ------------------------------------------------------------------------------


def scenarios(ctx: AppContext, user: User) -> list[dict[str, Any]]:
    return [s.summary() for s in ctx.roleplay(user).scenarios.list()]


def start_session(ctx: AppContext, user: User, scenario_id: str) -> dict[str, Any]:
    session_id, opening = ctx.roleplay(user).start(user.username, scenario_id)
    return {"session_id": session_id, "persona": opening}


def _own_session(ctx: AppContext, user: User, session_id: int | str) -> Any:
    service = ctx.roleplay(user)
    record = service.store.session(session_id)
    if record.trainee != user.username:
        raise AccessDenied("this role-play session belongs to someone else")
    return service


def say(ctx: AppContext, user: User, session_id: int | str, text: str) -> dict[str, Any]:
    limit = ctx.services.settings.max_question_chars
    text = bounded_text(text, "your line", limit, required=True)
    service = _own_session(ctx, user, session_id)
    return {"persona": service.say(session_id, text)}


def end_session(ctx: AppContext, user: User, session_id: int | str) -> dict[str, Any]:
    service = _own_session(ctx, user, session_id)
    card = service.end(session_id)
    result = card.as_dict()
    _link_citations(ctx, user, card, result)
    return result


# -- trainer's view -------------------------------------------------------------------------


def sessions(ctx: AppContext, user: User, trainee: str | None = None) -> list[dict[str, Any]]:
    allowed = ctx.users.trainees_of(user)
    if trainee:
        if allowed is not None and trainee not in allowed:
            raise AccessDenied("you may not see this trainee's sessions")
        allowed = [trainee]
    return [s.as_dict() for s in ctx.roleplay(user).store.sessions(allowed)]


def session_detail(
    ctx: AppContext, user: User, session_id: int | str, language: str | None = None
) -> dict[str, Any]:
    """A session as a trainer sees it; headings in ``language`` (the viewer's page)."""
    from assistant.coaching.roleplay.export import session_view

    service = ctx.roleplay(user)
    record = service.store.session(session_id)
    if not ctx.users.may_view_session_of(user, record.trainee):
        raise AccessDenied("you may not see this session")
    return session_view(record, service.context.library, language)


def override(
    ctx: AppContext,
    user: User,
    session_id: int | str,
    criterion_id: str,
    result: str,
    comment: str,
    language: str | None = None,
) -> dict[str, Any]:
    from assistant.coaching.roleplay.export import session_view

    ctx.require_trainer(user)
    service = ctx.roleplay(user)
    store = service.store
    record = store.session(session_id)
    if not ctx.users.may_view_session_of(user, record.trainee):
        raise AccessDenied("you may not score this trainee's sessions")
    comment = bounded_text(comment, "the comment", ctx.services.settings.max_text_chars)
    if not comment.strip():
        raise KamError("an override needs a comment explaining it")
    store.override(session_id, criterion_id, result, comment.strip(), user.username)
    return session_view(store.session(session_id), service.context.library, language)


def progress(ctx: AppContext, user: User, trainee: str) -> dict[str, Any]:
    if not ctx.users.may_view_session_of(user, trainee):
        raise AccessDenied("you may not see this trainee's progress")
    return ctx.roleplay(user).store.progress(trainee).as_dict()


def scenario_source(ctx: AppContext, user: User, scenario_id: str) -> str:
    """A scenario's YAML, hidden concerns included: for the trainers who edit scenarios (a
    trainee who read it could play to the persona's hidden agenda)."""
    ctx.require_trainer(user)
    return ctx.roleplay(user).scenarios.source_text(scenario_id)


def save_scenario(ctx: AppContext, user: User, yaml_text: str) -> dict[str, Any]:
    ctx.require_trainer(user)
    yaml_text = bounded_text(yaml_text, "the scenario", ctx.services.settings.max_text_chars)
    return ctx.roleplay(user).scenarios.save(yaml_text, user.username).summary()
