"""--chaos: a seeded plan over the months, strikes handed on when a month closes first; join-in files."""

from __future__ import annotations

import stat
from pathlib import Path

from customer_node.acks import ENV_ACKS_FILE, record_ack
from launcher.faults.chaos import HANDED_ON_S, ChaosTarget, Strike, every_central, is_due, plan_strikes
from launcher.records.join import JoinInfo
from launcher.records.snapshots import MonthFigures, MonthPhase
from launcher.report.loss_check import ACKS_ENV, acknowledged_orders
from launcher.room.join import write_join, write_operator_key
from launcher.screen.board import Board
from launcher.supervise.cast import build_cast, central_argv, central_env

CENTRAL = ChaosTarget("central", "central", "central")
MAKERS = [ChaosTarget("manufacturer", f"manufacturer-{n}", n) for n in ("a", "b", "c")]
BRANCHES = [ChaosTarget("branch", "branch-toronto", "Toronto")]


def test_one_of_each_spread_over_the_months_and_the_same_for_the_same_seed() -> None:
    plan = plan_strikes(
        7, months=3, month_seconds=10, central=CENTRAL, manufacturers=MAKERS, branches=BRANCHES
    )

    assert plan == plan_strikes(7, 3, 10, CENTRAL, MAKERS, BRANCHES)
    assert sorted(s.target.role for s in plan) == ["branch", "central", "manufacturer"]
    assert [s.month for s in plan] == [1, 2, 3]
    assert all(1.5 <= s.offset_s <= 4.5 for s in plan)
    seeds = {
        tuple(s.target.name for s in plan_strikes(seed, 3, 10, CENTRAL, MAKERS, BRANCHES))
        for seed in range(20)
    }
    assert len(seeds) > 1, "the seed chooses victims and order"


def test_fewer_months_than_strikes_share_months_in_the_order_of_their_moments() -> None:
    plan = plan_strikes(3, months=1, month_seconds=10, central=CENTRAL, manufacturers=MAKERS, branches=())

    assert [s.month for s in plan] == [1, 1]
    assert plan[0].offset_s <= plan[1].offset_s


def test_with_several_centrals_the_central_strike_strikes_each_in_turn_at_its_moment() -> None:
    plan = plan_strikes(
        7, months=3, month_seconds=10, central=CENTRAL, manufacturers=MAKERS, branches=BRANCHES
    )
    (central,) = [s for s in plan if s.target.role == "central"]

    three = every_central(plan, 3)

    assert every_central(plan, 1) == plan
    assert [s for s in three if s.target.role != "central"] == [s for s in plan if s.target.role != "central"]
    struck = [s for s in three if s.target.role == "central"]
    assert [(s.target.slug, s.target.name) for s in struck] == [
        ("central", "central 1"),
        ("central-2", "central 2"),
        ("central-3", "central 3"),
    ]
    assert {(s.month, s.offset_s) for s in struck} == {(central.month, central.offset_s)}
    position = three.index(struck[0])
    assert three[position : position + 3] == struck, "one after another, where the one strike was"


def month(number: int, state: MonthPhase = MonthPhase.OPEN) -> MonthFigures:
    return MonthFigures(number, state, (), 0, 0, (), 0, 0, None, None, (), "")


def test_a_strike_is_due_at_its_moment_or_early_in_a_later_month() -> None:
    strike = Strike(CENTRAL, month=2, offset_s=3.0)
    board = Board()

    board.begin(8, 1)
    board.update(month(1), 5.0)
    assert not is_due(strike, board)
    board.begin(8, 1)
    board.update(month(2), 2.9)
    assert not is_due(strike, board)
    board.update(month(2), 3.0)
    assert is_due(strike, board)
    board.update(month(2, MonthPhase.CLOSED), 3.5)
    assert not is_due(strike, board)
    board.begin(8, 1)
    board.update(month(3), HANDED_ON_S)
    assert is_due(strike, board), "a month that closed first hands the strike on"


def test_the_operator_key_goes_to_an_owner_only_file_and_the_environment(tmp_path: Path) -> None:
    cast = build_cast(1, 1, 1, 1)
    argv = central_argv(5000, "sqlite+aiosqlite:///x")
    env = {k: v for k, v in central_env(cast).items() if k == "DISTRIBUTION_OPERATOR_KEY"}
    path = write_operator_key(tmp_path, cast.operator_key)
    info = JoinInfo("127.0.0.1:5000", path)
    join = write_join(tmp_path, info).read_text()

    assert not [arg for arg in argv if cast.operator_key in arg]
    assert env == {"DISTRIBUTION_OPERATOR_KEY": cast.operator_key}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == cast.operator_key
    assert "distribution-customer shop --central 127.0.0.1:5000" in join
    assert str(path) in join and cast.operator_key not in join


def test_customers_record_the_orders_they_were_answered_for(tmp_path: Path) -> None:
    acks = tmp_path / "acks"
    acks.mkdir()
    env = {ENV_ACKS_FILE: str(acks / "customer-01.txt")}

    record_ack("o-1", env)
    record_ack("o-2", env)
    record_ack("", env)
    record_ack("o-3", {})

    assert ACKS_ENV == ENV_ACKS_FILE
    assert acknowledged_orders(acks) == {"o-1", "o-2"}
