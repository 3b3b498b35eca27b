"""Write role-play sessions in a loop so a test can SIGKILL the process midway. After each
operation is committed, one line goes to stdout: ``started ID``, ``turn ID N`` (the session
then holds N turns), ``scored ID``."""

from __future__ import annotations

import sys
from pathlib import Path

from assistant.coaching.roleplay import build_roleplay_service
from assistant.config import Settings
from assistant.embeddings.encoders import HashEmbeddings
from assistant.services import build_services

LINES = [
    "Thanks Sofia, today I'd like to understand how you plan cold-chain space.",
    "We'll share a monthly demand forecast so you can size the space to the rotation.",
    "How is your own performance measured this year?",
    "We can agree a replenishment plan with safety stock to prevent stock-outs.",
    "Our returns policy gives full credit for short-dated and damaged stock.",
    "Could we book an hour next Tuesday to agree the launch plan?",
]


def main() -> None:
    data_dir, sessions = Path(sys.argv[1]), int(sys.argv[2])
    services = build_services(Settings(data_dir=data_dir, embeddings="hash"), HashEmbeddings())
    roleplay = build_roleplay_service(services)
    for number in range(sessions):
        session, _ = roleplay.start(f"trainee-{number % 3}", "wholesaler-category-manager")
        print(f"started {session}", flush=True)
        for line in LINES:
            if roleplay.meeting_over(session):
                break
            roleplay.say(session, line)
            turns = len(roleplay.store.session(session).turns)
            print(f"turn {session} {turns}", flush=True)
        roleplay.end(session)
        print(f"scored {session}", flush=True)


if __name__ == "__main__":
    main()
