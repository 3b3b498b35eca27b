"""A web handler's problem reaches the page as a message in the page's language: the app's
own wording for anything unexpected, a notice said in that language, a plain KAM error as it
is; Gradio's own errors pass through untouched."""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import pytest

from assistant.config import Settings
from assistant.embeddings.encoders import HashEmbeddings
from assistant.errors import DocumentError, KamError
from assistant.notices import Notice
from assistant.services import build_services
from assistant.ui.context import AppContext


@pytest.fixture
def ctx(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data", embeddings="hash", corpus_dir=tmp_path)
    services = build_services(settings, HashEmbeddings())
    try:
        yield AppContext.build(services)
    finally:
        services.close()


def _raised(ctx: AppContext, exc: Exception, language: str | None, generator: bool = False):
    request = gr.Request(session_hash="page-1")
    if language:
        ctx.set_language(request, language)

    if generator:

        def handler(text: str, request: gr.Request):
            yield text
            raise exc

    else:

        def handler(text: str, request: gr.Request):
            raise exc

    wrapped = ctx.friendly(handler)
    with pytest.raises(gr.Error) as caught:
        result = wrapped("hello", request=request)
        if generator:
            list(result)
    return caught.value.message


def test_an_unexpected_problem_is_said_in_the_page_language_and_logged(ctx, caplog) -> None:
    english = _raised(ctx, RuntimeError("disk on fire at /srv/secret"), None)
    chinese = _raised(ctx, RuntimeError("disk on fire at /srv/secret"), "zh-Hant")
    assert english == ctx.labels.get("error_unexpected", "en")
    assert chinese == ctx.labels.get("error_unexpected", "zh-Hant")
    assert english != chinese and "發生" in chinese
    assert "secret" not in english + chinese  # the cause is logged, never shown
    assert "disk on fire" in caplog.text


def test_a_notice_is_said_in_the_page_language(ctx) -> None:
    problem = DocumentError(Notice.of("file_empty", name="plan.txt"))
    chinese = _raised(ctx, problem, "zh-Hant", generator=True)
    assert chinese == ctx.notices.say(problem.notice, "zh-Hant")
    assert "plan.txt" in chinese and chinese != str(problem)
    assert _raised(ctx, problem, "en") == str(problem)


def test_a_plain_error_is_shown_as_it_is_and_gradio_errors_pass(ctx) -> None:
    assert _raised(ctx, KamError("only admins manage the library"), "zh-Hant") == (
        "only admins manage the library"
    )
    assert _raised(ctx, gr.Error("as Gradio says it"), "zh-Hant") == "as Gradio says it"
