"""Every flag of every program has help, a DISTRIBUTION_* variable, and a row in the README's table."""

from __future__ import annotations

import pytest

from branch_node.settings import parse_args as parse_branch
from central.settings import parse_args as parse_central
from customer_node.cli import ShopSettings, SimulateSettings
from customer_node.cli import parse_args as parse_customer
from launcher.settings import parse_settings
from launcher.supervise.environment import children_environment
from manufacturer_node.settings import parse_args as parse_manufacturer
from nodekit.config import options
from operator_cli.cli import parse_args as parse_admin
from scripts.config_table import PROGRAMS, README, readme_section, table
from web_node.settings import parse_args as parse_web


def test_the_readme_table_is_the_one_the_parsers_make() -> None:
    assert readme_section(README.read_text(encoding="utf-8")) == table(), (
        "README.md's configuration table is stale: run python scripts/config_table.py --write"
    )


@pytest.mark.parametrize(("program", "factory"), PROGRAMS, ids=[name for name, _ in PROGRAMS])
def test_every_option_has_help_and_its_own_variable_shown_in_help(program: str, factory: object) -> None:
    parser = factory({})  # type: ignore[operator]
    rows = options(parser)
    text = " ".join(parser.format_help().split())

    assert rows, program
    for row in rows:
        assert row.help.strip(), f"{program} {row.flag} has no help text"
        assert row.variable.startswith("DISTRIBUTION_"), f"{program} {row.flag} has no variable"
        if not row.command:
            assert f"[${row.variable}]" in text, f"{program} --help does not show {row.variable}"
    top_level = [row.variable for row in rows if not row.command]
    assert len(top_level) == len(set(top_level)), f"{program}: two flags share a variable"


def test_the_variables_people_already_use_keep_working() -> None:
    central = parse_central([], {"DISTRIBUTION_DB": "elsewhere.sqlite3", "DISTRIBUTION_OPERATOR_KEY": "op"})
    maker = parse_manufacturer(
        ["--name", "Acme"], {"DISTRIBUTION_CENTRAL": "127.0.0.1:1", "DISTRIBUTION_MANUFACTURER_KEY": "mk"}
    )
    branch = parse_branch(
        ["--name", "north", "--db", "n.sqlite3"],
        {"DISTRIBUTION_CENTRAL": "127.0.0.1:1", "DISTRIBUTION_BRANCH_KEY": "bk"},
    )
    admin_env = {"DISTRIBUTION_CENTRAL": "127.0.0.1:1", "DISTRIBUTION_OPERATOR_KEY": "op"}
    admin = parse_admin(["status"], admin_env)
    customer = parse_customer(["--name", "ann"], {"DISTRIBUTION_CENTRAL": "127.0.0.1:1"})
    web = parse_web([], {"DISTRIBUTION_CENTRAL": "127.0.0.1:1", "DISTRIBUTION_OPERATOR_KEY": "op"})

    assert central.db_url.endswith("elsewhere.sqlite3") and central.operator_key == "op"
    assert (maker.central, maker.key) == ("127.0.0.1:1", "mk")
    assert (branch.central, branch.key) == ("127.0.0.1:1", "bk")
    assert (admin.central, admin.key) == ("127.0.0.1:1", "op")
    assert isinstance(customer, SimulateSettings) and customer.central == "127.0.0.1:1"
    assert web.operator_key == "op"


def test_each_node_reads_its_other_flags_from_the_environment() -> None:
    central = parse_central([], {"DISTRIBUTION_PORT": "6001", "DISTRIBUTION_RATE_LIMIT": "2.5"})
    maker_env = {"DISTRIBUTION_CENTRAL": "h:1", "DISTRIBUTION_NAME": "Acme"}
    maker_env["DISTRIBUTION_MANUFACTURER_KEY"] = "k"
    maker = parse_manufacturer([], {**maker_env, "DISTRIBUTION_MONTH_SECONDS": "3"})
    branch = parse_branch(
        [],
        {
            "DISTRIBUTION_CENTRAL": "h:1",
            "DISTRIBUTION_NAME": "north",
            "DISTRIBUTION_BRANCH_KEY": "k",
            "DISTRIBUTION_BRANCH_DB": "n.sqlite3",
            "DISTRIBUTION_NO_SIMULATE": "1",
        },
    )
    shop = parse_customer(["shop"], {"DISTRIBUTION_CENTRAL": "h:1", "DISTRIBUTION_TIMEOUT": "4"})
    web = parse_web([], {"DISTRIBUTION_CENTRAL": "h:1", "DISTRIBUTION_WEB_PORT": "0"})
    run = parse_settings([], env={"DISTRIBUTION_MONTHS": "2", "DISTRIBUTION_QUIET": "true"})

    assert (central.port, central.rate_per_s) == (6001, 2.5)
    assert (maker.name, maker.month_seconds) == ("Acme", 3.0)
    assert (str(branch.db_path), branch.simulate) == ("n.sqlite3", False)
    assert isinstance(shop, ShopSettings) and shop.timeout_s == 4.0
    assert web.port == 0
    assert (run.months, run.quiet) == (2, True)


def test_the_launcher_keeps_its_own_variables_and_any_key_from_its_children() -> None:
    env = {"DISTRIBUTION_MONTHS": "2", "DISTRIBUTION_LOG_LEVEL": "DEBUG", "PATH": "/bin"}
    env |= {"DISTRIBUTION_MANUFACTURER_KEY_FILE": "/k", "DISTRIBUTION_BRANCH_KEYS": "x=k"}
    env |= {"DISTRIBUTION_CARD_KEY": "card-secret"}

    assert children_environment(env) == {
        "DISTRIBUTION_LOG_LEVEL": "DEBUG",
        "PATH": "/bin",
        "DISTRIBUTION_CARD_KEY": "card-secret",
    }
