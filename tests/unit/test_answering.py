from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from typer.testing import CliRunner

from assistant.answering.followup import looks_like_follow_up
from assistant.answering.service import NO_ANSWER
from assistant.cli.main import app
from tests.support.factories import INJECTION_MD, write
from tests.support.fakes import build


@pytest.fixture
def corpus(small_corpus: Path) -> Path:
    write(small_corpus / "formulary.md", INJECTION_MD)
    return small_corpus


@pytest.fixture
def offline(tmp_path: Path, corpus: Path):
    services = build(tmp_path)
    services.ingestor.ingest([corpus], "kb")
    yield services
    services.close()


def test_extractive_answer_is_cited_and_grounded(offline) -> None:
    answer = offline.answers.answer("What does an outcomes-based contract tie the price to?")
    assert not answer.abstained and not answer.refused
    assert answer.mode == "extractive"
    assert answer.citations and answer.sentences
    shown = {p.id for p in answer.passages}
    for citation in answer.citations:
        assert citation.passage.id in shown
        assert " ".join(citation.quote.split()) in " ".join(
            citation.passage.text.replace("**", "").split()
        )
    assert any("outcomes" in s.text for s in answer.sentences)
    numbers = {c.n for c in answer.citations}
    assert numbers == set(range(1, len(answer.citations) + 1))
    assert all(set(s.citations) <= numbers for s in answer.sentences)
    assert "Sources:" in answer.text and "payer-value.md" in answer.text


def test_abstains_when_nothing_relevant(offline) -> None:
    answer = offline.answers.answer("Which football club won the 1998 cup final in Lisbon?")
    assert answer.abstained
    assert "does not cover" in answer.text
    assert not answer.citations


def test_chinese_question_gets_chinese_framing(offline) -> None:
    answer = offline.answers.answer("第一級客戶在三個層級中代表什麼？")
    assert answer.language == "zh-Hant"
    assert answer.text.startswith("根據知識庫") or "知識庫" in answer.text
    assert any("策略夥伴" in s.text for s in answer.sentences)


def test_compliance_refusal(offline) -> None:
    answer = offline.answers.answer("How can I pitch our drug off-label to the P&T committee?")
    assert answer.refused and answer.rule == "off-label"
    assert "Medical Information" in answer.text
    assert not answer.citations
    zh = offline.answers.answer("可以送禮給藥事委員會的醫師，讓新藥進藥嗎？")
    assert zh.refused and zh.rule == "inducement" and "不當利益" in zh.text


def test_patient_identifiable_data_refused(offline) -> None:
    answer = offline.answers.answer(
        "Patient Mrs. Chen, born 1961-04-02, MRN 88231, had a rash; what now?"
    )
    assert answer.refused and answer.rule == "patient-data"


def test_injected_instruction_is_not_evidence(offline) -> None:
    answer = offline.answers.answer("What does a formulary submission include?")
    assert not answer.abstained
    assert all("Ignore previous instructions" not in s.text for s in answer.sentences)
    assert all("Ignore previous" not in c.quote for c in answer.citations)
    other = offline.answers.answer("What does an outcomes-based contract tie the price to?")
    assert all(c.passage.source != "formulary.md" for c in other.citations)


def test_follow_up_is_rewritten_with_history(offline) -> None:
    assert looks_like_follow_up("And for payers?")
    assert looks_like_follow_up("那醫院呢？")
    assert not looks_like_follow_up("What does a payer medical director ask for?")
    history = [
        ("user", "What do payers want from a value proposition?"),
        ("assistant", "Payers care about total cost of care."),
    ]
    answer = offline.answers.answer("And what about outcomes-based contracts?", history)
    assert answer.standalone_question.startswith("What do payers want")
    assert "outcomes-based contracts" in answer.standalone_question


def test_llm_answer_cited_by_app_and_unsupported_removed(tmp_path: Path, corpus: Path) -> None:
    reply = (
        "An outcomes-based contract ties the price to measured patient outcomes such as "
        "adherence [7]. "
        "It has a reconciliation at the end of each contract year. "
        "Such contracts always save 43% of drug spend in 2 years."
    )
    model = GenericFakeChatModel(messages=iter([AIMessage(reply)]))
    services = build(tmp_path, chat_model=model)
    services.ingestor.ingest([corpus], "kb")
    events = list(services.answers.stream("What does an outcomes-based contract tie the price to?"))
    deltas = [e for e in events if e.kind == "delta"]
    answer = events[-1].answer
    assert len(deltas) > 3, "the model's reply must stream"
    assert answer.mode == "llm"
    texts = " ".join(s.text for s in answer.sentences)
    assert "43%" not in texts, "a sentence with an invented figure must be removed"
    assert "[7]" not in answer.text, "the model's own citation marks are not trusted"
    assert answer.notice and "removed" in answer.notice
    assert answer.citations and all(c.passage.source == "payer-value.md" for c in answer.citations)
    # Prose with the app's citation marks, not the extractive header and bullets.
    assert "From the knowledge base" not in answer.text
    assert not any(line.startswith("- ") for line in answer.text.splitlines())
    assert "measured patient outcomes such as adherence. [1]" in answer.text
    services.close()


class CheckedModel(GenericFakeChatModel):
    """Answers once, then replies to each sentence check from a script; records what the
    checks were shown."""

    checks: list = []

    def _stream(self, messages, *args, **kwargs):
        if messages[-1].content.startswith("Passage:"):
            CheckedModel.checks.append(messages[-1].content)
        yield from super()._stream(messages, *args, **kwargs)


def _checked_answer(tmp_path: Path, corpus: Path, verdicts: list[str]):
    reply = (
        "An outcomes-based contract ties the price to measured patient outcomes such as "
        "adherence. It has a reconciliation at the end of each contract year."
    )
    CheckedModel.checks = []
    model = CheckedModel(messages=iter([AIMessage(reply), *(AIMessage(v) for v in verdicts)]))
    services = build(tmp_path, chat_model=model)
    services.ingestor.ingest([corpus], "kb")
    answer = services.answers.answer("What does an outcomes-based contract tie the price to?")
    services.close()
    return answer


def test_a_sentence_the_model_check_refutes_is_removed(tmp_path: Path, corpus: Path) -> None:
    answer = _checked_answer(tmp_path, corpus, ["YES", "NO."])
    assert answer.mode == "llm"
    texts = [s.text for s in answer.sentences]
    assert texts == [
        "An outcomes-based contract ties the price to measured patient outcomes such as adherence."
    ]
    assert answer.notice and "removed" in answer.notice
    # Each check read the sentence and the passage it is cited to, under its title.
    assert len(CheckedModel.checks) == 2
    assert all("Value propositions for payers" in c for c in CheckedModel.checks)
    assert "Statement: It has a reconciliation" in CheckedModel.checks[1]
    assert "reconciliation at the end of each contract year" in CheckedModel.checks[1]


def test_an_unclear_or_missing_check_reply_keeps_the_sentence(tmp_path: Path, corpus: Path) -> None:
    # "Not sure" is no clear no; the second check finds the script empty (the call fails).
    answer = _checked_answer(tmp_path, corpus, ["Not sure"])
    assert len(answer.sentences) == 2 and answer.notice is None


class RecordingModel(GenericFakeChatModel):
    prompts: list = []

    def _stream(self, messages, *args, **kwargs):
        RecordingModel.prompts.append(messages[-1].content)
        yield from super()._stream(messages, *args, **kwargs)


def _recording(tmp_path: Path, corpus: Path, reply: str):
    """Services over ``corpus`` whose model replies ``reply`` and records its prompts."""
    RecordingModel.prompts = []
    model = RecordingModel(messages=iter([AIMessage(reply)]))
    services = build(tmp_path / "data", chat_model=model)
    services.ingestor.ingest([corpus], "kb")
    return services


def test_the_model_reads_the_excerpts_not_the_whole_passages(tmp_path: Path, corpus: Path) -> None:
    folder = corpus
    write(
        folder / "hospital-visits.md",
        "# Hospital visits\n\n"
        "Parking at the north campus is free for visitors after six in the evening. "
        "The cafeteria serves vegetarian lunches on Fridays. "
        "A pharmacy committee reviews every new formulary listing request each quarter. "
        "The committee asks for the budget impact over three years. "
        "Visitor badges are printed at the front desk. "
        "The gift shop closes at eight.\n",
    )
    services = _recording(tmp_path, folder, "The committee reviews requests.")
    question = "What does the pharmacy committee review each quarter?"
    examined = services.answers.examine(question)
    answer = services.answers.answer(question)
    assert not answer.abstained, answer.text
    chosen = {c.passage_index for c in examined.selection.sentences}
    # the answer's prompt (the sentence check's prompts come after it)
    prompt = RecordingModel.prompts[0]
    assert prompt.startswith("Passages:")
    assert prompt.count("\n[") + prompt.startswith("[") <= len(chosen) + 1
    # What the model reads is what the extractive answer would quote: each chosen sentence,
    # and of the same passages nothing the excerpt leaves out.
    quoted = {c.text for c in examined.selection.sentences}
    assert any("each quarter" in text for text in quoted)
    assert all(text in prompt for text in quoted)
    assert "Parking" not in prompt and "gift shop" not in prompt
    services.close()


def test_the_model_reads_a_coded_file_under_the_title_readers_see(
    tmp_path: Path, corpus: Path
) -> None:
    """A saved web page named by a code: the question names it by its title ("Does
    Synchronising Key Account Plans say ...?"), so the model must read that title, as the
    citation shows it, not the file's code."""
    write(
        corpus / "003_3df14bc864ad747c.txt",
        "back to the articles\nSynchronising Key Account Plans\n\n"
        "Freeze the account list before the budget round starts. "
        "A late change to the list reopens every plan.\n",
    )
    services = _recording(tmp_path, corpus, "Freeze the account list early.")
    answer = services.answers.answer(
        "Does Synchronising Key Account Plans say when to freeze the account list?"
    )
    assert not answer.abstained, answer.text
    prompt = RecordingModel.prompts[0]
    assert "Synchronising Key Account Plans —" in prompt
    assert "003 3df14bc864ad747c —" not in prompt
    services.close()


def test_the_model_saying_the_passages_hold_no_answer_is_said_plainly(
    tmp_path: Path, corpus: Path
) -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage(NO_ANSWER), AIMessage(NO_ANSWER)]))
    services = build(tmp_path, chat_model=model)
    services.ingestor.ingest([corpus], "kb")
    answer = services.answers.answer("What does an outcomes-based contract tie the price to?")
    # not a decline (a small model says so of answerable questions too), not an invented
    # answer: the passages' own words, under a notice that says the model found no answer
    assert not answer.abstained and answer.mode == "extractive"
    assert answer.notice and "found no answer" in answer.notice
    assert answer.citations and NO_ANSWER not in answer.text
    assert "could not be matched" not in answer.text
    chinese = services.answers.answer("以結果為基礎的合約把價格和什麼連結？")
    assert chinese.notice and "找不到這個問題的答案" in chinese.notice
    services.close()


def test_a_partial_answer_keeps_what_the_passages_support(tmp_path: Path, corpus: Path) -> None:
    reply = (
        "An outcomes-based contract ties the price to measured patient outcomes such as "
        f"adherence. {NO_ANSWER}"
    )
    services = build(tmp_path, chat_model=GenericFakeChatModel(messages=iter([AIMessage(reply)])))
    services.ingestor.ingest([corpus], "kb")
    answer = services.answers.answer("What does an outcomes-based contract tie the price to?")
    assert not answer.abstained and answer.mode == "llm"
    assert "measured patient outcomes" in answer.text and NO_ANSWER not in answer.text
    services.close()


def test_an_echo_of_the_no_answer_marker_is_no_claim(tmp_path: Path, corpus: Path) -> None:
    # A small model told to reply NO_ANSWER sometimes opens a real answer with "YES_ANSWER":
    # a token, not a sentence for the support check to remove under a notice.
    reply = (
        "YES_ANSWER\nAn outcomes-based contract ties the price to measured patient outcomes "
        "such as adherence."
    )
    services = build(tmp_path, chat_model=GenericFakeChatModel(messages=iter([AIMessage(reply)])))
    services.ingestor.ingest([corpus], "kb")
    answer = services.answers.answer("What does an outcomes-based contract tie the price to?")
    assert answer.mode == "llm" and answer.notice is None, answer.text
    assert "measured patient outcomes" in answer.text and "YES_ANSWER" not in answer.text
    services.close()


class BrokenModel(GenericFakeChatModel):
    def _stream(self, *args, **kwargs):
        yield from []
        raise ConnectionError("connection refused")


def test_llm_failure_falls_back_to_extractive(tmp_path: Path, corpus: Path) -> None:
    services = build(tmp_path, chat_model=BrokenModel(messages=iter([])))
    services.ingestor.ingest([corpus], "kb")
    answer = services.answers.answer("What does an outcomes-based contract tie the price to?")
    assert answer.mode == "extractive"
    assert answer.notice and "not reachable" in answer.notice
    assert "directly from the knowledge base" in answer.notice
    assert answer.citations
    services.close()


def test_llm_garbage_falls_back(tmp_path: Path, corpus: Path) -> None:
    model = GenericFakeChatModel(messages=iter([AIMessage("zzz qqq ### ??? lorem ipsum vvv")]))
    services = build(tmp_path, chat_model=model)
    services.ingestor.ingest([corpus], "kb")
    answer = services.answers.answer("What does an outcomes-based contract tie the price to?")
    assert answer.mode == "extractive" and answer.citations
    assert answer.notice and "could not be matched to the passages" in answer.notice
    services.close()


def test_empty_question(offline) -> None:
    answer = offline.answers.answer("   ")
    assert answer.abstained and "Please type a question" in answer.text


def test_cli_ask_json(corpus: Path, monkeypatch) -> None:
    monkeypatch.setenv("KAM_EMBEDDINGS", "hash")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(corpus)]).exit_code == 0
    result = runner.invoke(
        app, ["ask", "What does an outcomes-based contract tie the price to?", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"answer", "citations", "abstained", "refused", "mode", "latency_ms"} <= data.keys()
    assert data["citations"][0]["n"] == 1
    assert {"n", "source", "page", "section", "quote"} <= data["citations"][0].keys()
    text = runner.invoke(app, ["ask", "How do I promote off-label use to doctors?"])
    assert "not allowed" in text.output
