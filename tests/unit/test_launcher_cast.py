"""The cast of a run: derived seeds, fresh keys, unique names and each child's command line."""

from __future__ import annotations

import dataclasses
import sys

from central.settings import parse_args as parse_central
from launcher.records.pace import PACES, pace_for
from launcher.supervise.cast import (
    BRANCH_FLAGS,
    Cast,
    NodeKind,
    branch_name,
    build_cast,
    central_argv,
    central_env,
    derive_seed,
    member_argv,
    member_env,
)
from manufacturer_node.settings import parse_args as parse_manufacturer


def test_seeds_follow_the_run_seed_and_differ_per_child() -> None:
    assert derive_seed(1, "Acme Foods") == derive_seed(1, "Acme Foods")
    assert derive_seed(1, "Acme Foods") != derive_seed(2, "Acme Foods")
    assert derive_seed(1, "Acme Foods") != derive_seed(1, "Borealis Tools")
    assert 0 <= derive_seed(123, "customer-01") < 2**31


def test_the_same_seed_gives_the_same_seeds_but_fresh_keys() -> None:
    first = build_cast(7, manufacturers=3, customers=8, branches=2)
    second = build_cast(7, manufacturers=3, customers=8, branches=2)

    def named_seeds(cast: Cast) -> list[tuple[str, int]]:
        return [(m.name, m.seed) for m in (*cast.manufacturers, *cast.customers, *cast.branches)]

    assert named_seeds(first) == named_seeds(second)
    assert first.operator_key != second.operator_key
    assert [m.key for m in first.manufacturers] != [m.key for m in second.manufacturers]


def test_names_and_slugs_are_unique_and_readable() -> None:
    cast = build_cast(1, manufacturers=3, customers=8, branches=2)

    assert [m.name for m in cast.manufacturers] == ["Acme Foods", "Borealis Tools", "Cobalt Textiles"]
    assert cast.customers[0].name == "customer-01"
    assert cast.customers[-1].name == "customer-08"
    assert [b.name for b in cast.branches] == ["Toronto", "Ottawa"]
    assert cast.branches[0].slug == "branch-toronto"
    slugs = [m.slug for m in (cast.central, *cast.manufacturers, *cast.customers, *cast.branches)]
    assert len(set(slugs)) == len(slugs)
    assert cast.manufacturers[0].slug == "manufacturer-acme-foods"
    assert cast.customers[0].slug == "customer-01"
    assert cast.central.slug == "central"
    assert cast.shoppers == len(cast.customers)


def test_every_keyed_member_has_a_key_and_customers_have_none() -> None:
    cast = build_cast(1, manufacturers=2, customers=2, branches=1)

    assert all(len(m.key) >= 24 for m in (*cast.manufacturers, *cast.branches))
    assert all(c.key == "" for c in cast.customers)


def test_central_command_line_holds_no_key_and_its_environment_every_key() -> None:
    cast = build_cast(1, manufacturers=2, customers=1, branches=1)

    argv = central_argv(5555, "sqlite+aiosqlite:///x.sqlite3")
    env = central_env(cast)

    assert argv == [
        sys.executable, "-m", "central", "--host", "127.0.0.1", "--port", "5555",
        "--db", "sqlite+aiosqlite:///x.sqlite3", "--reservation-ttl-seconds", "30",
    ]  # fmt: skip
    assert env == {
        "DISTRIBUTION_OPERATOR_KEY": cast.operator_key,
        "DISTRIBUTION_MANUFACTURER_KEYS": f"Acme Foods={cast.manufacturers[0].key},"
        f"Borealis Tools={cast.manufacturers[1].key}",
        "DISTRIBUTION_BRANCH_KEYS": f"Toronto={cast.branches[0].key}",
    }
    settings = parse_central(["--db", "x.sqlite3"], env)
    assert settings.operator_key == cast.operator_key
    assert settings.manufacturer_keys == {m.name: m.key for m in cast.manufacturers}
    assert settings.branch_keys == {"Toronto": cast.branches[0].key}


def test_a_key_starting_with_a_dash_reaches_the_node_whole() -> None:
    cast = build_cast(1, manufacturers=1, customers=0, branches=1)
    maker = dataclasses.replace(cast.manufacturers[0], key="-starts-with-a-dash")
    branch = dataclasses.replace(cast.branches[0], key="--also-dashed")
    cast = dataclasses.replace(cast, operator_key="--dashed-too", manufacturers=(maker,), branches=(branch,))

    central = parse_central([], central_env(cast))
    argv = member_argv(maker, "127.0.0.1:9")[3:]

    assert parse_manufacturer(argv, member_env(maker)).key == "-starts-with-a-dash"
    assert central.operator_key == "--dashed-too"
    assert central.manufacturer_keys == {"Acme Foods": "-starts-with-a-dash"}
    assert central.branch_keys == {"Toronto": "--also-dashed"}


def test_member_command_lines() -> None:
    cast = build_cast(1, manufacturers=1, customers=1, branches=1)
    maker, customer, branch = cast.manufacturers[0], cast.customers[0], cast.branches[0]

    assert member_argv(maker, "127.0.0.1:9") == [
        sys.executable, "-m", "manufacturer_node", "--central", "127.0.0.1:9",
        "--name", "Acme Foods", "--seed", str(maker.seed),
    ]  # fmt: skip
    # Customers shop at the default pace (12 s months) in the market of the run's seed.
    assert member_argv(customer, "127.0.0.1:9") == [
        sys.executable, "-m", "customer_node", "--central", "127.0.0.1:9",
        "--name", "customer-01", "--think-ms", "100", "--month-seconds", "12", "--market-seed", "1",
        "--seed", str(customer.seed),
    ]  # fmt: skip
    assert member_argv(branch, "127.0.0.1:9", "/r/branch-toronto.sqlite3") == [
        sys.executable, "-m", "branch_node", "--central", "127.0.0.1:9",
        "--name", "Toronto", "--db", "/r/branch-toronto.sqlite3",
        "--province", "ON", *BRANCH_FLAGS, "--day-seconds", "4.8", "--seed", str(branch.seed),
    ]  # fmt: skip
    assert branch.role is NodeKind.BRANCH
    assert member_env(maker) == {"DISTRIBUTION_MANUFACTURER_KEY": maker.key}
    assert member_env(branch) == {"DISTRIBUTION_BRANCH_KEY": branch.key}
    assert member_env(customer) == {}


def test_branch_names_are_towns_numbered_once_they_run_out() -> None:
    assert branch_name(0) == "Toronto"
    assert branch_name(8) == "Toronto 2"
    assert len({branch_name(i) for i in range(20)}) == 20


def test_customers_learn_the_pace_and_the_runs_seed_as_the_market_seed() -> None:
    cast = build_cast(7, manufacturers=1, customers=2, branches=0, pace=pace_for("slow", 45))
    for customer in cast.customers:
        argv = member_argv(customer, "127.0.0.1:9")
        flags = dict(zip(argv[5::2], argv[6::2], strict=False))
        assert flags["--month-seconds"] == "45"
        assert flags["--think-ms"] == str(PACES["slow"].think_ms)
        assert flags["--market-seed"] == "7"
        assert flags["--seed"] == str(customer.seed)
