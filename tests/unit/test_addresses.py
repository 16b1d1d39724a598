"""The ``--central`` parser and the channel target it becomes."""

from __future__ import annotations

import argparse
import json

import pytest

from nodekit.addresses import central_argument, parse_central_addresses, split_host_port
from nodekit.channel import channel_target


def test_one_or_several_addresses_in_order_each_once() -> None:
    assert parse_central_addresses("127.0.0.1:50051") == ("127.0.0.1:50051",)
    assert parse_central_addresses("b:2, a:1,b:2") == ("b:2", "a:1")
    assert parse_central_addresses("[::1]:5001,central-2.example:5002") == (
        "[::1]:5001",
        "central-2.example:5002",
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "nonsense",
        "localhost",
        "127.0.0.1:",
        ":50051",
        "127.0.0.1:99999",
        "h:0",
        "a b:1",
        "x:port",
        "a:1,",
        "a:1,,b:2",
        "[nonsense]:1",
        "::1:5001",
    ],
)
def test_a_malformed_value_is_one_line_for_a_person(text: str) -> None:
    with pytest.raises(ValueError, match=r"^--central expects HOST:PORT\[,HOST:PORT\.\.\.\]; got ") as caught:
        parse_central_addresses(text)
    assert str(caught.value) == f"--central expects HOST:PORT[,HOST:PORT...]; got {text!r}"


def test_split_host_port_drops_ipv6_brackets() -> None:
    assert split_host_port("[::1]:5001") == ("::1", 5001)
    assert split_host_port("central:7") == ("central", 7)


def test_the_flag_exits_2_with_the_line(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="node")
    assert central_argument(parser, " a:1 , b:2 ") == "a:1,b:2"
    with pytest.raises(SystemExit) as stopped:
        central_argument(parser, "nonsense")
    assert stopped.value.code == 2
    assert (
        capsys.readouterr().err == "node: error: --central expects HOST:PORT[,HOST:PORT...]; got 'nonsense'\n"
    )


def test_one_address_is_passed_on_as_it_is() -> None:
    assert channel_target("127.0.0.1:50051") == ("127.0.0.1:50051", ())
    assert channel_target("central.example:50051") == ("central.example:50051", ())


def test_several_become_a_static_round_robin_list() -> None:
    target, options = channel_target("127.0.0.1:5001,127.0.0.2:5002")
    assert target == "ipv4:127.0.0.1:5001,127.0.0.2:5002"
    settings = dict(options)
    assert json.loads(str(settings["grpc.service_config"])) == {"loadBalancingConfig": [{"round_robin": {}}]}
    assert settings["grpc.default_authority"] == "127.0.0.1:5001"
    assert channel_target("[::1]:5001,[::2]:5002")[0] == "ipv6:[::1]:5001,[::2]:5002"


def test_host_names_are_resolved_into_the_list() -> None:
    target, options = channel_target("localhost:5001,127.0.0.1:5002")
    assert target.startswith("ipv4:") and "127.0.0.1:5001" in target and target.endswith("127.0.0.1:5002")
    assert dict(options)["grpc.default_authority"] == "localhost:5001"


def test_one_list_takes_one_address_family() -> None:
    with pytest.raises(ValueError, match="one family"):
        channel_target("127.0.0.1:5001,[::1]:5002")
