"""Users, roles and what each may see. A users file (YAML) holds hashed passwords; with no file
there is one local user with every right and no login."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import KamError
from assistant.retrieval.search import SearchFilters

Role = Literal["kam", "trainer", "admin"]
# Roles that coach others: trainer-only tabs, trainees' sessions, evaluations.
TRAINING_ROLES: tuple[str, ...] = ("trainer", "admin")
LOCAL_USERNAME = "local"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class UsersFileError(KamError):
    """The users file is missing, unreadable or invalid."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` with a random salt; the password itself is never stored."""
    if not password:
        raise KamError("a password may not be empty")
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    encode = base64.b64encode
    return "scrypt${n}${r}${p}$".format(**_SCRYPT) + (
        f"{encode(salt).decode()}${encode(digest).decode()}"
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=32,
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, base64.b64decode(digest))


class User(BaseModel):
    """One person. ``internal_access`` overrides the role's default for internal documents."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: Role
    password_hash: str = Field(default="", repr=False)
    name: str = ""
    trainer: str | None = None
    internal_access: bool | None = None

    @field_validator("password_hash")
    @classmethod
    def _looks_hashed(cls, value: str) -> str:
        if value and not value.startswith("scrypt$"):
            raise ValueError("must be a hash made by 'kamcoach users add' (scrypt$...)")
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.username

    @property
    def sees_internal(self) -> bool:
        if self.internal_access is not None:
            return self.internal_access
        return self.trains

    @property
    def trains(self) -> bool:
        return self.role in TRAINING_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def search_filters(
        self, doc_types: tuple[str, ...] = (), languages: tuple[str, ...] = ()
    ) -> SearchFilters:
        """The filters every search made for this user carries: access is enforced here."""
        access = () if self.sees_internal else ("public",)
        return SearchFilters(doc_types=doc_types, languages=languages, access=access)


LOCAL_USER = User(username=LOCAL_USERNAME, role="admin", name="Local user")


@dataclass
class UserDirectory:
    """Everyone who may log in; ``None`` path means a single local user and no login."""

    path: Path | None = None
    users: dict[str, User] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def load(cls, path: Path | None) -> UserDirectory:
        if path is None:
            return cls(None, {LOCAL_USERNAME: LOCAL_USER})
        if not path.is_file():
            raise UsersFileError(f"users file not found: {path}")
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise UsersFileError(f"users file {path} cannot be read: {exc}") from None
        entries = data.get("users") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise UsersFileError(f"users file {path}: expected a top-level 'users:' list")
        users: dict[str, User] = {}
        for number, entry in enumerate(entries, start=1):
            try:
                user = User.model_validate(entry)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
                )
                raise UsersFileError(f"users file {path}, user {number}: {problems}") from None
            if user.username in users:
                raise UsersFileError(f"users file {path}: '{user.username}' appears twice")
            users[user.username] = user
        return cls(path, users)

    @property
    def login_required(self) -> bool:
        return self.path is not None

    def authenticate(self, username: str, password: str) -> bool:
        user = self.users.get(username)
        if user is None or not user.password_hash:
            hash_password("timing-equaliser", b"0" * 16)  # same cost for unknown users
            return False
        return verify_password(password, user.password_hash)

    def get(self, username: str | None) -> User | None:
        if not self.login_required:
            return LOCAL_USER
        return self.users.get(username or "")

    def trainees_of(self, user: User) -> list[str] | None:
        """Whose coaching sessions ``user`` may see; ``None`` means everyone's."""
        if user.is_admin:
            return None
        if user.role == "trainer":
            return [user.username] + sorted(
                u.username for u in self.users.values() if u.trainer == user.username
            )
        return [user.username]

    def may_view_session_of(self, viewer: User, trainee: str) -> bool:
        allowed = self.trainees_of(viewer)
        return allowed is None or trainee in allowed

    def add(self, user: User) -> None:
        """Add or replace a user and rewrite the file atomically."""
        if self.path is None:
            raise UsersFileError("no users file configured (set KAM_USERS_FILE)")
        with self._lock:
            self.users[user.username] = user
            entries = [
                u.model_dump(exclude_none=True, exclude_defaults=False) for u in self.users.values()
            ]
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            tmp.write_text(
                yaml.safe_dump({"users": entries}, allow_unicode=True, sort_keys=False),
                encoding="utf-8",
            )
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
