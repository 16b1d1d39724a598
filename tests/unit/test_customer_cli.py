"""Command line parsing and the interactive shop's pure helpers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from customer_node.cli import (
    CardInput,
    ShopSettings,
    SimulateSettings,
    default_seed,
    parse_args,
    parse_card,
    simulated_card,
)
from customer_node.shop_commands import Command, parse_command


def test_simulate_settings_from_flags() -> None:
    settings = parse_args(
        ["--central", "h:1", "--name", "ann", "--seed", "3", "--token-file", "t.txt"], env={}
    )
    assert settings == SimulateSettings(central="h:1", name="ann", seed=3, token_file=Path("t.txt"))


def test_seed_defaults_from_name_and_central_from_environment() -> None:
    settings = parse_args(["--name", "ann"], env={"DISTRIBUTION_CENTRAL": "c:9"})
    assert isinstance(settings, SimulateSettings)
    assert settings.central == "c:9"
    assert settings.seed == default_seed("ann") != default_seed("bob")


def test_shop_settings() -> None:
    settings = parse_args(
        ["shop", "--central", "h:1", "--name", "ann", "--card", "4242 4242 4242 4242 12/2031"],
        env={},
    )
    assert settings == ShopSettings(central="h:1", name="ann", card=CardInput("4242424242424242", 12, 2031))


def test_missing_central_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--name", "ann"], env={})
    assert "--central" in capsys.readouterr().err


def test_parse_card() -> None:
    today = date(2026, 5, 1)
    assert parse_card("4242-4242-4242-4242 7/29", today) == CardInput("4242424242424242", 7, 2029)
    with pytest.raises(ValueError, match="MM/YYYY"):
        parse_card("4242424242424242", today)
    with pytest.raises(ValueError, match="1-12"):
        parse_card("4242424242424242 13/2030", today)


def test_simulated_card_is_valid_and_in_the_future() -> None:
    card = simulated_card(date(2026, 5, 1))
    assert (card.expiry_year, card.expiry_month) == (2031, 12)
    digits = [int(char) for char in reversed(card.number)]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * digit, 10)) for digit in digits[1::2])
    assert total % 10 == 0


def test_parse_command() -> None:
    assert parse_command("add 3 2") == Command("add", (3, 2))
    assert parse_command("  ls ") == Command("list")
    assert parse_command("card 4242 12/30") == Command("card", text="4242 12/30")
    assert parse_command("") == Command("")
    for bad in ("add", "add x", "remove 1 2", "fly"):
        with pytest.raises(ValueError, match="help"):
            parse_command(bad)


def test_a_wrong_command_says_what_the_person_typed_and_how_it_goes() -> None:
    with pytest.raises(ValueError, match=r"'buy' takes nothing after it\. To buy: 'add NUMBER") as bought:
        parse_command("buy stuff")
    assert "checkout" in str(bought.value) and "whole numbers" not in str(bought.value)
    with pytest.raises(ValueError, match=r"'add' takes numbers: 'add NUMBER \[QUANTITY\]'"):
        parse_command("add apples")
