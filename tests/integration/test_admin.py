"""The operator command against the in-process central: every command's table, and its failures."""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from central.testing import RunningCentral, running_central
from generated.distribution.v1 import branch_pb2, branch_pb2_grpc, common_pb2, month_pb2, month_pb2_grpc
from nodekit.auth import bearer_metadata
from nodekit.ports import free_port
from nodekit.timestamps import to_timestamp
from operator_cli.app import run_admin
from operator_cli.formats import local_time
from tests.helpers import Stubs, add, checkout, next_reply, register
from tests.processes import ROOT, node_env

NORTH = bearer_metadata("north-key")
DAY, LATER_DAY = "2025-05-06", "2025-05-07"
RAISED = datetime(2025, 5, 6, 11, tzinfo=UTC)
Outcome = tuple[int, str, str]


@pytest.fixture
async def central() -> AsyncIterator[RunningCentral]:
    async with running_central(
        branch_keys={"north": "north-key"}, manufacturer_keys={"Acme": "acme-key"}
    ) as rc:
        yield rc


@pytest.fixture
def key_file(tmp_path: Path, central: RunningCentral) -> Path:
    path = tmp_path / "operator.key"
    path.write_text(central.operator_token + "\n")
    path.chmod(0o600)
    return path


class Admin:
    """Runs the operator command in-process against one central and captures what it printed."""

    def __init__(self, central: RunningCentral, key_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.central = central
        self.key_file = key_file
        self._capsys = capsys

    async def raw(self, *argv: str, env: dict[str, str] | None = None) -> Outcome:
        code = await run_admin(list(argv), env or {})
        captured = self._capsys.readouterr()
        return code, captured.out, captured.err

    async def __call__(self, *argv: str) -> Outcome:
        return await self.raw("--central", self.central.address, "--key-file", str(self.key_file), *argv)

    async def ok(self, *argv: str) -> str:
        code, out, err = await self(*argv)
        assert (code, err) == (0, ""), err
        return out


@pytest.fixture
def admin(central: RunningCentral, key_file: Path, capsys: pytest.CaptureFixture[str]) -> Admin:
    return Admin(central, key_file, capsys)


def row(out: str, *first_cells: str) -> list[str]:
    """The cells of the table row that starts with ``first_cells``."""
    for line in out.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if tuple(cells[: len(first_cells)]) == first_cells:
            return cells
    raise AssertionError(f"no row starting with {first_cells!r} in:\n{out}")


async def test_open_status_and_close_show_the_month_with_its_lines_and_results(admin: Admin) -> None:
    out = await admin.ok("open", "--offer-deadline-ms", "1", "--expected-shoppers", "5")
    assert row(out, "Month") == ["Month", "1 (OPEN)"]
    assert row(out, "Stock lines") == ["Stock lines", "0"]
    stubs = Stubs.on(admin.central.channel)
    reply = await stubs.months.SubmitOffer(
        month_pb2.SubmitOfferRequest(
            manufacturer_name="Acme",
            month=1,
            lines=[
                common_pb2.OfferLine(product="bolts", quantity=50, unit_price_cents=250),
                common_pb2.OfferLine(product="Nuts [large]", quantity=1000, unit_price_cents=123456),
            ],
        ),
        metadata=admin.central.operator_metadata,
        timeout=10,
    )
    lines = {line.product: line.stock_line_id for line in reply.stock_lines}
    ann = await register(stubs, "ann")
    await add(stubs, ann, lines["bolts"], 3)
    await checkout(stubs, ann, "admin-order-key")

    out = await admin.ok("status")
    assert row(out, "Month") == ["Month", "1 (OPEN)"]
    assert row(out, "Orders") == ["Orders", "1"]
    assert row(out, "Revenue") == ["Revenue", "$7.50"]
    assert row(out, "Closed") == ["Closed", "-"]
    assert row(out, "bolts") == ["bolts", "Acme", "$2.50", "50", "0", "3", "47"]
    # Names are shown as typed (never read as markup); money in dollars with thousands separators.
    assert row(out, "Nuts [large]") == ["Nuts [large]", "Acme", "$1,234.56", "1,000", "0", "0", "1,000"]

    out = await admin.ok("close")
    assert row(out, "Month") == ["Month", "1 (CLOSED)"]
    closed = row(out, "Closed")
    assert closed[1].endswith("(operator)") and re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", closed[1])
    assert row(out, "Acme", "bolts") == ["Acme", "bolts", "50", "3", "$7.50", "47", "0"]
    assert "Results of month 1" in out
    assert out == await admin.ok("status", "1")


async def test_status_before_any_month_and_closing_a_closed_month(admin: Admin) -> None:
    assert await admin.ok("status") == "No month has been opened yet.\n"
    await admin.ok("open", "--offer-deadline-ms", "1")
    await admin.ok("close", "1")
    code, out, err = await admin("close", "1")
    assert (code, out) == (1, "")
    assert err == "python -m operator_cli: FAILED_PRECONDITION: Month 1 is closed, not open.\n"


async def test_a_value_the_central_refuses_comes_back_as_one_line(admin: Admin) -> None:
    code, out, err = await admin("open", "--offer-deadline-ms", "70000")
    assert (code, out) == (1, "")
    assert err.startswith("python -m operator_cli: INVALID_ARGUMENT: ") and err.count("\n") == 1


async def test_manufacturers_lists_the_configured_ones_with_their_link(admin: Admin) -> None:
    out = await admin.ok("manufacturers")
    assert row(out, "Acme")[2:4] == ["no", "-"]


async def stream_sales(central: RunningCentral, prices: list[int]) -> None:
    call = branch_pb2_grpc.BranchServiceStub(central.channel).StreamSales(metadata=NORTH, timeout=10)
    await call.read()
    for sequence, price in enumerate(prices, start=1):
        tax = price * 13 // 100
        sale = branch_pb2.SaleTransaction(
            transaction_id=f"north-{sequence}",
            sequence=sequence,
            occurred_at=to_timestamp(datetime(2025, 5, 6, 10, tzinfo=UTC)),
            business_day=DAY,
            items=[branch_pb2.SaleItem(product="apple", quantity=1, unit_price_cents=price)],
            subtotal_cents=price,
            tax_cents=tax,
            total_cents=price + tax,
            payment_method=branch_pb2.PAYMENT_METHOD_CASH,
        )
        await call.write(branch_pb2.StreamSalesRequest(sale=sale))
        reply = await next_reply(call)
        assert [ack.sequence for ack in reply.acks.acks] == [sequence]
    await call.done_writing()


async def test_branch_reports_show_revenue_inventory_top_products_and_alerts(admin: Admin) -> None:
    empty = [await admin.ok(command) for command in ("revenue", "top-products", "low-stock")]
    assert empty == [
        "No branch has reported a day yet.\n",
        "No branch sales yet.\n",
        "No low-stock alerts are open.\n",
    ]

    await stream_sales(admin.central, [1000, 500])
    branch = branch_pb2_grpc.BranchServiceStub(admin.central.channel)
    for day, revenue in ((DAY, 1695), (LATER_DAY, 5000)):
        await branch.SubmitDailyReport(
            branch_pb2.SubmitDailyReportRequest(
                branch_name="north", business_day=day, revenue_cents=revenue, loss_cents=300
            ),
            metadata=NORTH,
            timeout=10,
        )
    await branch.ReportInventory(
        branch_pb2.ReportInventoryRequest(
            branch_name="north",
            items=[
                branch_pb2.InventoryItem(product="apple", quantity=4, unit_cost_cents=100, reorder_point=5),
                branch_pb2.InventoryItem(product="pear", quantity=10, unit_cost_cents=50, reorder_point=5),
            ],
            open_alerts=[
                branch_pb2.LowStockAlert(
                    product="apple", quantity=4, reorder_point=5, raised_at=to_timestamp(RAISED)
                )
            ],
        ),
        metadata=NORTH,
        timeout=10,
    )

    out = await admin.ok("revenue")
    days = [cells for cells in map(str.split, out.splitlines()) if cells[:1] == ["north"]]
    assert days == [
        ["north", DAY, "$16.95", "$3.00", "$16.95", "2", "-"],
        ["north", LATER_DAY, "$50.00", "$3.00", "$0.00", "0", "FLAGGED"],
    ]
    assert await admin.ok("revenue", "--branch", "nobody") == "No branch has reported a day yet.\n"

    out = await admin.ok("inventory")
    assert row(out, "north") == ["north", "14", "$9.00"]
    assert row(out, "Total") == ["Total", "14", "$9.00"]

    out = await admin.ok("top-products", "--limit", "5")
    assert row(out, "1") == ["1", "apple", "2", "$15.00"]

    out = await admin.ok("low-stock")
    assert row(out, "north") == ["north", "apple", "4", "5", local_time(RAISED)]


async def test_a_wrong_key_or_role_is_one_line_and_exit_1(admin: Admin, tmp_path: Path) -> None:
    code, out, err = await admin.raw(
        "--central", admin.central.address, "status", env={"DISTRIBUTION_OPERATOR_KEY": "not-the-key"}
    )
    assert (code, out) == (1, "")
    assert err == "python -m operator_cli: UNAUTHENTICATED: The bearer token is not known.\n"

    branch_key = tmp_path / "branch.key"
    branch_key.write_text("north-key")
    branch_key.chmod(0o600)
    code, out, err = await admin.raw(
        "--central", admin.central.address, "--key-file", str(branch_key), "inventory"
    )
    assert (code, out) == (1, "")
    assert err.startswith("python -m operator_cli: PERMISSION_DENIED: ") and err.count("\n") == 1


async def test_a_key_file_others_can_read_is_warned_about_in_one_line(admin: Admin) -> None:
    admin.key_file.chmod(0o644)
    code, out, err = await admin("manufacturers")
    assert (code, "Acme" in out) == (0, True)
    assert err == (
        f"python -m operator_cli: warning: the key file {admin.key_file} is readable by group or others "
        "(mode 0644); chmod 600 it\n"
    )


async def test_no_key_or_an_unreadable_key_file_is_a_usage_error(admin: Admin, tmp_path: Path) -> None:
    code, out, err = await admin.raw("--central", admin.central.address, "status")
    assert (code, out) == (2, "")
    assert "--key-file FILE or set DISTRIBUTION_OPERATOR_KEY" in err and err.count("\n") == 1
    missing = tmp_path / "missing.key"
    code, _, err = await admin.raw("--central", admin.central.address, "--key-file", str(missing), "status")
    assert code == 2
    assert f"cannot read the key file {missing}: No such file or directory" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    "address", ["localhost", "127.0.0.1:", ":50051", "127.0.0.1:99999", "a b:1", "x:port"]
)
async def test_a_malformed_address_exits_2_at_once_in_one_line(admin: Admin, address: str) -> None:
    started = time.monotonic()
    code, out, err = await admin.raw("--central", address, "status", env={"DISTRIBUTION_OPERATOR_KEY": "k"})
    assert (code, out) == (2, "")
    assert err == (
        "python -m operator_cli: error: --central expects HOST:PORT[,HOST:PORT...]; "
        f"got {address!r} (see --help)\n"
    )
    assert time.monotonic() - started < 1


async def test_an_unreachable_central_is_one_line_with_its_address_in_bounded_time(admin: Admin) -> None:
    address = f"127.0.0.1:{free_port()}"
    started = time.monotonic()
    code, out, err = await admin.raw(
        "--central", address, "--timeout", "3", "status", env={"DISTRIBUTION_OPERATOR_KEY": "k"}
    )
    assert time.monotonic() - started < 5
    assert (code, out) == (1, "")
    assert err.startswith(f"python -m operator_cli: cannot reach the central at {address} (UNAVAILABLE")
    assert err.count("\n") == 1


async def test_help_describes_the_commands_and_their_defaults(admin: Admin) -> None:
    code, out, _ = await admin.raw("--help")
    assert code == 0
    for command in (
        "open",
        "close",
        "status",
        "manufacturers",
        "revenue",
        "inventory",
        "top-products",
        "low-stock",
    ):
        assert re.search(rf"^\s+{command}\s", out, re.MULTILINE), command
    code, out, _ = await admin.raw("open", "--help")
    assert code == 0
    assert "--offer-deadline-ms" in out and "(default: 0)" in out


async def test_the_script_piped_to_a_file_prints_clean_text(central: RunningCentral, key_file: Path) -> None:
    await month_pb2_grpc.MonthServiceStub(central.channel).OpenMonth(
        month_pb2.OpenMonthRequest(offer_deadline_ms=1), metadata=central.operator_metadata, timeout=10
    )
    env = {
        k: v for k, v in node_env().items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE", "CLICOLOR_FORCE")
    }
    with (key_file.parent / "status.txt").open("w+b") as piped:
        # Run beside the central's event loop, which must keep serving while the child asks it.
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "operator_cli",
            "--central",
            central.address,
            "--key-file",
            str(key_file),
            "status",
            cwd=ROOT,
            env=env,
            stdout=piped,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(child.communicate(), timeout=30)
        piped.seek(0)
        text = piped.read().decode()
    assert (child.returncode, err) == (0, b"")
    assert "\x1b" not in text
    assert row(text, "Month") == ["Month", "1 (OPEN)"]
    assert all(line == line.rstrip() for line in text.splitlines())
