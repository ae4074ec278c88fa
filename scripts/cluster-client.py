#!/usr/bin/env python3
"""Sign in and read pages round-robin through the app servers of `make cluster` (one cookie jar, no stickiness).

    .venv/bin/python scripts/cluster-client.py USERNAME PASSWORD [http://127.0.0.1:8001 http://127.0.0.1:8002]

Prints, for each request, the server that answered and the status: a session started on one server is honoured
by the other when both share Redis (REDIS_URL) and the database.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wuxing.testing_servers import RoundRobinClient


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    username, password, *urls = argv
    client = RoundRobinClient(urls or ["http://127.0.0.1:8001", "http://127.0.0.1:8002"])
    response = client.sign_in("/accounts/login/", username, password)
    print(f"{client.served[-1]} POST /accounts/login/ -> {response.status_code}")
    if response.status_code != 302:
        print("sign-in refused", file=sys.stderr)
        return 1
    failures = 0
    for path in ["/", "/", "/org/branches/", "/org/branches/"]:
        response = client.get(path)
        signed_in = response.status_code == 200
        failures += not signed_in
        print(f"{client.served[-1]} GET {path} -> {response.status_code}{'' if signed_in else ' (not signed in)'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
