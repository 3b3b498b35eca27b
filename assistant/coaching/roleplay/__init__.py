"""Role-play for trainers: scenarios, a persona that holds to them, scorecards and sessions."""

from assistant.coaching.roleplay.scenario import Scenario, ScenarioError, UnknownScenarioError
from assistant.coaching.roleplay.scenario_files import ScenarioLibrary
from assistant.coaching.roleplay.scorecard import Override, Scorecard
from assistant.coaching.roleplay.service import (
    RolePlayError,
    RolePlayService,
    build_roleplay_service,
)
from assistant.coaching.roleplay.store import SessionStore

__all__ = [
    "Override",
    "RolePlayError",
    "RolePlayService",
    "Scenario",
    "ScenarioError",
    "ScenarioLibrary",
    "Scorecard",
    "SessionStore",
    "UnknownScenarioError",
    "build_roleplay_service",
]
