"""A document the question names ("Actando's account levels", "the ZS piece", "FirstWord 的專家
小組") leads the passages an answer quotes."""

from __future__ import annotations

from pathlib import Path

from assistant.answering.named_sources import names_pointing, sources_first
from assistant.answering.unknown_names import name_words
from assistant.retrieval.search import Passage, SearchFilters
from tests.support.factories import write


def _passage(source: str, n: int) -> Passage:
    return Passage(
        id=f"{source}-{n}",
        text=f"passage {n}",
        score=1.0 / (n + 1),
        source=source,
        title=source,
        section="",
        page=None,
        language="en",
        doc_type="article",
        access="public",
    )


def test_name_words_are_names_and_acronyms_not_the_questions_scene() -> None:
    assert name_words("In Actando's account levels, is senior management expected?") == ["Actando"]
    # a Chinese question's capitalised Latin word is a name where it stands, first included
    assert name_words("Actando的文章說，要怎麼經營一個關鍵客戶？") == ["Actando"]
    assert name_words("FirstWord 的專家小組裡有顧問公司的人嗎？") == ["FirstWord"]
    # the asker's own roles, months and an English question's opening word are no names
    assert name_words("Our CFO wants to know what the ZS study found in March.") == ["ZS"]
    assert name_words("What does the report say about hospitals?") == []


def test_a_name_one_or_two_documents_use_points_at_them() -> None:
    using = {
        "Actando": {"actando.txt": 1, "news.txt": 1},
        "KAM": {"a.txt": 4, "b.txt": 1, "c.txt": 1},  # shared vocabulary
        "ZS": {"zs.txt": 3},
        "GSK": None,  # used by too many passages to point anywhere
    }
    look = using.get
    assert names_pointing("What does Actando say about KAM?", look) == {
        "Actando": {"actando.txt", "news.txt"}
    }
    assert names_pointing("Does the ZS piece define KAM?", look) == {"ZS": {"zs.txt"}}
    assert names_pointing("What did GSK and the KAM team do?", look) == {}
    assert names_pointing("Which names does Unknownia use?", look) == {}
    # of two documents, one using the name far more often is the one it names (the ZS study,
    # not the piece whose author is "a principal at ZS Associates")
    using["ZS"] = {"zs.txt": 4, "pmlive.txt": 1}
    assert names_pointing("Does the ZS piece define KAM?", look) == {"ZS": {"zs.txt"}}
    using["ZS"] = {"zs.txt": 3, "pmlive.txt": 2}
    assert names_pointing("Does the ZS piece define KAM?", look) == {"ZS": {"zs.txt", "pmlive.txt"}}


def test_the_named_documents_passages_lead_in_the_retrievers_order() -> None:
    passages = [_passage("other.txt", 0), _passage("zs.txt", 1), _passage("zs.txt", 2)]
    passages.append(_passage("other.txt", 3))
    led = sources_first(passages, frozenset({"zs.txt"}))
    assert [p.id for p in led] == ["zs.txt-1", "zs.txt-2", "other.txt-0", "other.txt-3"]
    # none or all of them from the named documents: the retriever's order stands
    assert sources_first(passages, frozenset({"absent.txt"})) == passages
    assert sources_first(passages, frozenset({"zs.txt", "other.txt"})) == passages


SCENE_TXT = """Hospital groups and account plans

Key account managers plan their work with hospital groups and their budgets every year.
Account plans for hospital groups name the budget holders and the formulary committee.
"""

ACTANDO_TXT = """Levels of accounts

The strategic level needs senior managers to support the account team in person.
The Actando Consulting Team
"""

INTERNAL_TXT = """---
title: Partner notes
access: internal
---
Actando is a partner for hospital group account plans and budgets.
"""


def test_a_named_document_leads_the_answer_and_access_still_holds(services, tmp_path) -> None:
    docs = tmp_path / "docs"
    write(docs / "scene.txt", SCENE_TXT)
    write(docs / "actando.txt", ACTANDO_TXT)
    write(docs / "partner.md", INTERNAL_TXT)
    services.ingestor.ingest([docs], "kb")
    searcher = services.searcher
    assert searcher.sources_using("Actando") == {"actando.txt": 1, "partner.md": 1}
    public = SearchFilters(access=("public",))
    assert searcher.sources_using("Actando", public) == {"actando.txt": 1}
    assert searcher.sources_using("account", public, most=1) is None  # a common word

    question = "Our hospital group account plans have budgets: what level does Actando describe?"
    examined = services.answers.examine(question, public)
    assert examined.passages[0].source == "actando.txt"
    assert all(p.access == "public" for p in examined.passages)


def test_sources_using_reads_the_committed_passages(services, tmp_path: Path) -> None:
    write(tmp_path / "docs" / "zs.txt", "The ZS study surveyed seventeen KAM leaders.\n")
    services.ingestor.ingest([tmp_path / "docs"], "kb")
    assert services.searcher.sources_using("ZS") == {"zs.txt": 1}
    assert services.searcher.sources_using("Unknownia") == {}
