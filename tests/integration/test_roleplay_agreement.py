"""The offline role-play scorer against trainers' labels, with the real multilingual encoder:
at least 85% agreement on every criterion of every labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.coaching.roleplay import build_roleplay_service
from assistant.coaching.roleplay.evaluation import evaluate, load_labelled
from assistant.config import Settings
from assistant.embeddings.encoders import build_embeddings
from assistant.services import build_services

ROOT = Path(__file__).resolve().parents[2]
SETS = sorted((ROOT / "evals" / "coaching").glob("roleplay_transcripts*.yaml"))
BAR = 0.85


@pytest.fixture(scope="module")
def roleplay(tmp_path_factory: pytest.TempPathFactory):
    data_dir = tmp_path_factory.mktemp("data")
    services = build_services(
        Settings(data_dir=data_dir, embeddings="use"), build_embeddings("use")
    )
    yield build_roleplay_service(services)
    services.close()


def test_labelled_sets_are_large_enough_and_bilingual() -> None:
    assert len(SETS) >= 2
    main = load_labelled(ROOT / "evals" / "coaching" / "roleplay_transcripts.yaml")
    assert len(main) >= 10
    assert {item.language for item in main} == {"en", "zh-Hant"}
    everything = [item for path in SETS for item in load_labelled(path)]
    assert any(item.compliance_failed for item in everything)
    assert any(not item.compliance_failed for item in everything)


@pytest.mark.integration
@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_scorer_agrees_with_trainers_on_every_criterion(roleplay, path: Path) -> None:
    result = evaluate(roleplay, path)
    low = {name: round(share, 3) for name, share in result["agreement"].items() if share < BAR}
    assert not low, f"{path.name}: {low}; disagreements: {result['disagreements']}"
    assert "compliance_failed" in result["agreement"]
