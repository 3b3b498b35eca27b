"""Everything the web app's handlers share: services, users, stores; built once per app."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from assistant.admin.document_library import DocumentLibrary
from assistant.admin.users import User, UserDirectory
from assistant.errors import KamError, NoticeError
from assistant.evaluation.feedback import FeedbackStore
from assistant.prompts import PromptLibrary
from assistant.retrieval.search import SearchFilters
from assistant.services import Services
from assistant.ui.errors import F, friendly, request_in
from assistant.ui.hardening import LoginThrottle
from assistant.ui.indexing import FirstStartIndexer
from assistant.ui.inputs import UserSlots
from assistant.ui.labels import Labels
from assistant.ui.links import DocumentLinks
from assistant.ui.notice_text import NoticeText


class AccessDenied(KamError):
    """The signed-in user may not do this."""


@dataclass
class AppContext:
    services: Services
    users: UserDirectory
    links: DocumentLinks = field(default_factory=DocumentLinks)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _coaches: dict[tuple[str, SearchFilters], Any] = field(default_factory=dict, repr=False)
    _languages: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, services: Services, users: UserDirectory | None = None) -> AppContext:
        return cls(services, users or UserDirectory.load(services.settings.users_file))

    # -- services built on first use ---------------------------------------------------------

    @cached_property
    def prompts(self) -> PromptLibrary:
        return PromptLibrary(self.services.settings.prompts_dir)

    @cached_property
    def labels(self) -> Labels:
        return Labels(self.prompts)

    @cached_property
    def notices(self) -> NoticeText:
        return NoticeText(self.prompts, self.labels)

    @cached_property
    def feedback(self) -> FeedbackStore:
        return FeedbackStore(self.services.settings.feedback_db())

    @cached_property
    def login_throttle(self) -> LoginThrottle:
        return LoginThrottle()

    @cached_property
    def slots(self) -> UserSlots:
        return UserSlots(self.services.settings.user_concurrency)

    @cached_property
    def library(self) -> DocumentLibrary:
        settings = self.services.settings
        return DocumentLibrary(
            self.services.ingestor,
            self.services.index,
            settings.data_dir / "uploads",
            settings.max_file_mb,
        )

    @cached_property
    def indexer(self) -> FirstStartIndexer:
        settings = self.services.settings
        return FirstStartIndexer(self.library, settings.corpus_dir, settings.collection)

    def coaching(self, name: str, user: User) -> Any:
        """A coach (``value_prop``, ``metrics`` or ``roleplay``) wired with the user's access
        rights. Each is built once per access level (they read their rubrics, embed their
        exemplars, and the role-play service holds a database connection) and shared by
        every request with the same rights."""
        filters = user.search_filters()
        with self._lock:
            coach = self._coaches.get((name, filters))
            if coach is None:
                coach = self._build_coach(name, filters)
                self._coaches[(name, filters)] = coach
            return coach

    def _build_coach(self, name: str, filters: SearchFilters) -> Any:
        if name == "roleplay":
            from assistant.coaching.roleplay.service import build_roleplay_service

            return build_roleplay_service(self.services, filters)
        context = self.services.coach_context(filters)
        if name == "value_prop":
            from assistant.coaching.value_prop.coach import ValuePropCoach

            return ValuePropCoach(context)
        if name == "metrics":
            from assistant.coaching.kpi.coach import MetricCoach

            return MetricCoach(context)
        raise KamError(f"unknown coach '{name}'")

    def roleplay(self, user: User) -> Any:
        return self.coaching("roleplay", user)

    def close(self) -> None:
        with self._lock:
            for (name, _), coach in self._coaches.items():
                if name == "roleplay":
                    coach.close()
            self._coaches.clear()

    # -- who is asking, in which language ----------------------------------------------------

    def set_language(self, request: Any, language: str) -> None:
        """Remember the page language a browser session chose (for its messages)."""
        session = getattr(request, "session_hash", None)
        if session:
            with self._lock:
                if len(self._languages) > 10_000:
                    self._languages.clear()
                self._languages[session] = language

    def language(self, request: Any) -> str:
        return self._languages.get(getattr(request, "session_hash", None) or "", "en")

    def hint(self, request: Any, key: str, **values: Any) -> None:
        """A gentle note for a click that came too early (a warning toast, no error state)."""
        import gradio as gr

        gr.Warning(self.labels.get(key, self.language(request), **values))

    def friendly(self, fn: F) -> F:
        """A handler whose problems reach the page as messages in its language."""
        return friendly(fn, self._problem_text)

    def _problem_text(self, exc: Exception, args: tuple, kwargs: dict) -> str:
        language = self.language(request_in(args, kwargs))
        if isinstance(exc, NoticeError):
            return self.notices.say(exc.notice, language)
        if isinstance(exc, KamError):
            return str(exc)
        return self.labels.get("error_unexpected", language)

    def say(self, request: Any, key: str, **values: Any) -> str:
        """A label in the request's page language."""
        return self.labels.get(key, self.language(request), **values)

    def user(self, request: Any) -> User:
        """The signed-in user of a Gradio request (the local user when login is off)."""
        username = getattr(request, "username", None) if request is not None else None
        user = self.users.get(username)
        if user is None:
            raise AccessDenied("please sign in")
        return user

    def filters(
        self, user: User, doc_types: list[str] | None = None, languages: list[str] | None = None
    ) -> SearchFilters:
        return user.search_filters(tuple(doc_types or ()), tuple(languages or ()))

    def require_admin(self, user: User) -> None:
        if not user.is_admin:
            raise AccessDenied("only admins manage the library")

    def require_trainer(self, user: User) -> None:
        if not user.trains:
            raise AccessDenied("only trainers and admins may do this")
