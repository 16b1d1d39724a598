"""``run.py --tls``: a throwaway CA for the run, a certificate per process, and the flags that name them.

Everything lives in ``RUN_DIR/tls``: the CA certificate, one server pair per central (for
``localhost``, ``127.0.0.1`` and ``::1``) and one client pair per child, the launcher, the
web node, and one that the join lines name for people joining by hand. The CA's own key is
never written: nobody can sign another certificate for the run once the launcher is done
with it. Keys are owner-only files; the children get their paths on the command line,
never the key material.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nodekit.certificates import CertificateAuthority, IssuedPair
from nodekit.tls import TlsClientConfig

TLS_DIR = "tls"
LAUNCHER = "launcher"
WEB = "web"
# The pair the join lines name, for people who shop or operate by hand during the run.
BY_HAND = "by-hand"
# The web node's HTTPS pair: browsers that trust the run's CA (ca.crt) open its pages over TLS.
WEB_SERVER = "web-server"


def central_name(index: int) -> str:
    """The certificate name of the ``index``-th central (0-based)."""
    return "central" if index == 0 else f"central-{index + 1}"


@dataclass(frozen=True)
class RunTls:
    """The run's certificate files; without a CA (``plaintext()``) every flag list is empty.

    Attributes:
        ca_file: The CA certificate every process trusts, or None for plaintext.
        servers: Central certificate name -> its pair.
        clients: Client name (a child's slug, ``launcher``, ``web``) -> its pair.
        web_server: The web node's HTTPS pair.
    """

    ca_file: Path | None = None
    servers: dict[str, IssuedPair] = field(default_factory=dict)
    clients: dict[str, IssuedPair] = field(default_factory=dict)
    web_server: IssuedPair | None = None

    @classmethod
    def plaintext(cls) -> RunTls:
        """No TLS: the flags are empty and the launcher's own channels are plaintext."""
        return cls()

    def server_args(self, index: int) -> list[str]:
        """Flags for the ``index``-th central: its pair, and the CA its clients must be signed by."""
        if self.ca_file is None:
            return []
        pair = self.servers[central_name(index)]
        return [
            f"--tls-cert={pair.cert_file}",
            f"--tls-key={pair.key_file}",
            f"--tls-client-ca={self.ca_file}",
        ]

    def client_args(self, name: str) -> list[str]:
        """Flags for the client ``name``: the CA to trust and its own pair."""
        tls = self.client(name)
        if tls is None:
            return []
        return [f"--tls-ca={tls.ca_file}", f"--tls-cert={tls.cert_file}", f"--tls-key={tls.key_file}"]

    def web_args(self) -> list[str]:
        """Flags for the web node: its client pair towards the central, and its HTTPS pair."""
        if self.web_server is None:
            return self.client_args(WEB)
        pair = self.web_server
        return [*self.client_args(WEB), f"--https-cert={pair.cert_file}", f"--https-key={pair.key_file}"]

    def client(self, name: str) -> TlsClientConfig | None:
        """The client settings of ``name`` (for the launcher's own channels), None for plaintext."""
        if self.ca_file is None:
            return None
        pair = self.clients[name]
        return TlsClientConfig(self.ca_file, pair.cert_file, pair.key_file)


def make_run_tls(run_dir: Path, centrals: int, clients: Iterable[str], hosts: Sequence[str] = ()) -> RunTls:
    """A new CA in ``run_dir/tls`` with server pairs for ``centrals`` centrals and client pairs.

    ``clients`` are the children's slugs; the launcher's, the web node's and one for people
    joining by hand are added. ``hosts`` are the addresses the centrals serve a class on
    (``--host``): their certificates name them beside loopback.
    """
    ca = CertificateAuthority(run_dir / TLS_DIR, name=f"run {run_dir.name} CA")
    servers = {central_name(i): ca.issue_server(central_name(i), hosts) for i in range(centrals)}
    names = dict.fromkeys([*clients, LAUNCHER, WEB, BY_HAND])
    clients = {name: ca.issue_client(f"client-{name}") for name in names}
    return RunTls(ca.cert_file, servers, clients, ca.issue_server(WEB_SERVER, hosts))
