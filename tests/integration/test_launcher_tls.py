"""The run's throwaway CA: every central's server pair talks mutual TLS to the launcher's clients."""

from __future__ import annotations

import stat
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from launcher.settings import parse_settings
from launcher.supervise.tls import BY_HAND, LAUNCHER, WEB, RunTls, make_run_tls
from nodekit.channel import open_channel
from nodekit.health import add_health, set_serving
from nodekit.tls import client_tls_config, server_credentials, server_tls_config


def test_plaintext_runs_pass_no_flag_and_tls_is_asked_for_by_flag(tmp_path: Path) -> None:
    plain = RunTls.plaintext()
    assert (
        plain.server_args(0) == []
        and plain.client_args("customer-01") == []
        and plain.client(LAUNCHER) is None
    )
    assert parse_settings(["--run-dir", str(tmp_path)]).tls is False
    assert parse_settings(["--run-dir", str(tmp_path), "--tls"]).tls is True


async def test_every_central_of_a_tls_run_serves_mutual_tls_to_every_client(tmp_path: Path) -> None:
    tls = make_run_tls(tmp_path, 3, ["manufacturer-acme", "customer-01"])
    assert {*tls.clients} == {"manufacturer-acme", "customer-01", LAUNCHER, WEB, BY_HAND}
    assert all(
        stat.S_IMODE(p.key_file.stat().st_mode) == 0o600
        for p in [*tls.servers.values(), *tls.clients.values()]
    )
    for index in range(3):
        flags = dict(arg.split("=", 1) for arg in tls.server_args(index))
        server_tls = server_tls_config(
            Path(flags["--tls-cert"]), Path(flags["--tls-key"]), Path(flags["--tls-client-ca"])
        )
        assert server_tls is not None
        server = grpc.aio.server()
        await set_serving(add_health(server), True)
        port = server.add_secure_port("127.0.0.1:0", server_credentials(server_tls))
        await server.start()
        try:
            for name in ("customer-01", LAUNCHER):
                client = dict(arg.split("=", 1) for arg in tls.client_args(name))
                config = client_tls_config(
                    Path(client["--tls-ca"]), Path(client["--tls-cert"]), Path(client["--tls-key"])
                )
                assert config == tls.client(name)
                for host in ("127.0.0.1", "localhost"):
                    async with open_channel(f"{host}:{port}", config) as channel:
                        reply = await health_pb2_grpc.HealthStub(channel).Check(
                            health_pb2.HealthCheckRequest(), timeout=5
                        )
                    assert reply.status == health_pb2.HealthCheckResponse.SERVING
        finally:
            await server.stop(None)
