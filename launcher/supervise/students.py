"""The client certificates a TLS run hands to the room: one per student, signed by the run's CA.

The CA's key never leaves the launcher's memory, so the students' pairs are issued with the
run's own certificates, before the web node starts, and the web node hands them out (each
request the next one) behind the join card. A certificate only admits a connection to the
central: what a caller may do comes from its bearer token (a customer's from RegisterCustomer,
the operator's key), so a student's pair can shop and nothing more.
"""

from __future__ import annotations

import json

from launcher.settings import Settings
from launcher.supervise.tls import RunTls

# A class, and some who fetch twice.
STUDENTS = 48
STUDENT_PREFIX = "student-"
# The web node reads the students' pairs from here: a JSON list of [certificate, key] paths.
JOIN_CLIENTS_ENV = "DISTRIBUTION_JOIN_CLIENTS"
CLIENT_PATH = "join/client.pem"


def student_names(settings: Settings) -> list[str]:
    """The students' client names to issue with the run's certificates (a TLS run with a web node)."""
    if not (settings.tls and settings.web):
        return []
    return [f"{STUDENT_PREFIX}{number:02d}" for number in range(1, STUDENTS + 1)]


def students_json(tls: RunTls) -> str:
    """The students' pairs as the web node's environment carries them ("" when there are none)."""
    pairs = [
        [str(pair.cert_file), str(pair.key_file)]
        for name, pair in tls.clients.items()
        if name.startswith(STUDENT_PREFIX)
    ]
    return json.dumps(pairs) if pairs else ""
