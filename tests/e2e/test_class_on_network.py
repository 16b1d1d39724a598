"""A class on its own machines: run.py --host in one network namespace, a student in another.

Two namespaces joined by a veth pair stand for the lecturer's laptop and a student's: the
student follows only what join.txt prints. The terminal shop comes from the wheel the web
node serves, installed into a fresh virtual environment inside the student's namespace; the
web shop is Chromium started inside that namespace. Needs root and ``ip`` (iproute2): the
test skips otherwise, and fails instead when ``DISTRIBUTION_REQUIRE_NETNS=1`` (CI sets it).
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import venv
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import ROOT
from tests.terminal_shop import CARD, buy_one_line

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

REQUIRE = "DISTRIBUTION_REQUIRE_NETNS"
CHROMIUM = Path(os.environ.get("DISTRIBUTION_CHROMIUM", "/usr/bin/chromium"))
LECTURER_IP, STUDENT_IP = "10.231.7.1", "10.231.7.2"
STARTUP_S = 90.0
POLL_S = 0.2
EXPECT_TIMEOUT_MS = 15_000  # a loaded 2-core machine
LISTEN_STATE = "0A"  # /proc/net/tcp's code for LISTEN


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)


def in_ns(namespace: str, *argv: str) -> list[str]:
    return ["ip", "netns", "exec", namespace, *argv]


def _unavailable() -> str | None:
    """Why this machine cannot make the namespaces (None when it can)."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "network namespaces need the ip command (Debian package iproute2)"
    if not CHROMIUM.exists():
        return f"the web shop step needs {CHROMIUM} (Debian package chromium)"
    probe = f"dn-probe-{os.getpid()}"
    try:
        ip("netns", "add", probe)
    except (subprocess.CalledProcessError, OSError) as error:
        return f"cannot make a network namespace here: {error}"
    ip("netns", "del", probe)
    return None


@contextlib.contextmanager
def two_machines() -> Iterator[tuple[str, str]]:
    """The lecturer's and the student's namespaces on one veth link; both deleted afterwards."""
    why = _unavailable()
    if why is not None:
        if os.environ.get(REQUIRE) == "1":
            pytest.fail(why)
        pytest.skip(why)
    suffix = os.getpid()
    lecturer, student = f"dn-lecturer-{suffix}", f"dn-student-{suffix}"
    made: list[str] = []
    try:
        for namespace in (lecturer, student):
            ip("netns", "add", namespace)
            made.append(namespace)
            ip("-n", namespace, "link", "set", "lo", "up")
        ip("link", "add", f"dnl{suffix}", "netns", lecturer, "type", "veth", "peer", "name", f"dns{suffix}",
           "netns", student)  # fmt: skip
        for namespace, device, address in ((lecturer, f"dnl{suffix}", LECTURER_IP),
                                           (student, f"dns{suffix}", STUDENT_IP)):  # fmt: skip
            ip("-n", namespace, "addr", "add", f"{address}/24", "dev", device)
            ip("-n", namespace, "link", "set", device, "up")
        yield lecturer, student
    finally:
        for namespace in made:  # the veth pair goes with its namespaces
            subprocess.run(["ip", "netns", "del", namespace], check=False, capture_output=True, timeout=30)


@contextlib.contextmanager
def stopped_at_exit(process: subprocess.Popen[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if process.stdin is not None:
            process.stdin.close()


def read_card(run_dir: Path, run: subprocess.Popen[bytes]) -> str:
    """join.txt once it names the web node (polled, bounded)."""
    join = run_dir / "join.txt"
    deadline = time.monotonic() + STARTUP_S
    while not (join.exists() and re.search(r"^web: ", join.read_text(), re.MULTILINE)):
        assert run.poll() is None, f"run.py exited {run.returncode}"
        assert time.monotonic() < deadline, "run.py wrote no join card"
        time.sleep(POLL_S)
    return join.read_text()


def listening(namespace: str) -> set[tuple[str, int]]:
    """The (address, port) pairs listening for TCP in ``namespace``, IPv4 and IPv6 (v4-mapped as IPv4)."""
    found = set()
    for table in ("tcp", "tcp6"):
        argv = in_ns(namespace, "cat", f"/proc/net/{table}")
        rows = subprocess.run(argv, check=True, capture_output=True, text=True, timeout=30).stdout
        for row in rows.splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            if state != LISTEN_STATE:
                continue
            hex_address, port = local.split(":")
            # The kernel prints each 32-bit word of the address in host (little-endian) order.
            raw = b"".join(bytes.fromhex(hex_address[i : i + 8])[::-1] for i in range(0, len(hex_address), 8))
            address = ipaddress.ip_address(raw)
            if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
                address = address.ipv4_mapped
            found.add((str(address), int(port, 16)))
    return found


def install_from_card(card: str, namespace: str, home: Path) -> Path:
    """Runs the card's install lines inside the student's namespace; returns the venv.

    The venv is made with this interpreter (the card's ``python3``); the wheel comes from the
    web node over the veth link exactly as printed. Its dependencies cannot come from an index
    (the namespace reaches nothing but the lecturer), so the venv also sees this environment's
    site-packages, without the project itself: the wheel's own code is what runs.
    """
    lines = [line.strip() for line in card.splitlines() if line.startswith("  ")]
    make, install, _ = lines
    assert make.startswith("python3 -m venv ")
    shop_venv = home / make.split()[-1]
    venv.EnvBuilder(with_pip=True).create(shop_venv)
    site = next((shop_venv / "lib").glob("python3*/site-packages"))
    deps = next((Path(sys.prefix) / "lib").glob("python3*/site-packages"))
    (site / "zz-dependencies.pth").write_text(f"{deps}\n")
    pip, verb, url = install.split()
    assert (pip, verb) == ("shop-venv/bin/pip", "install") and url.endswith(".whl")
    argv = [str(home / pip), "install", "--no-deps", "--no-index", "--disable-pip-version-check", url]
    deadline = time.monotonic() + STARTUP_S
    while True:  # the web node answers 503 until the launcher has built the wheel
        done = subprocess.run(in_ns(namespace, *argv), capture_output=True, text=True, timeout=120, cwd=home)
        if done.returncode == 0:
            return shop_venv
        assert time.monotonic() < deadline, done.stdout + done.stderr
        time.sleep(1.0)


def test_a_student_on_another_machine_shops_by_the_join_card(tmp_path: Path) -> None:
    with two_machines() as (lecturer, student):
        run_dir = tmp_path / "run"
        argv = [sys.executable, "run.py", "--quiet", "--host", LECTURER_IP, "--run-dir", str(run_dir),
                "--months", "1", "--month-seconds", "120", "--manufacturers", "2", "--customers", "1",
                "--branches", "0"]  # fmt: skip
        env = {**os.environ, "DISTRIBUTION_NO_BOOTSTRAP": "1"}
        with (tmp_path / "run.out").open("wb") as out:
            run = subprocess.Popen(
                in_ns(lecturer, *argv), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        with stopped_at_exit(run):
            card = read_card(run_dir, run)
            central = re.search(r"^central: (\S+)$", card, re.MULTILINE)
            shop_url = re.search(r"^web shop \(any browser\): (\S+)$", card, re.MULTILINE)
            assert central and shop_url, card
            assert central.group(1).startswith(f"{LECTURER_IP}:") and shop_url.group(1).startswith(
                f"http://{LECTURER_IP}:"
            )
            assert "operator.key" not in "".join(line for line in card.splitlines() if line.startswith("  "))

            # Only the centrals and the web node listen on the room's address.
            web_port = int(shop_url.group(1).split(":")[2].split("/")[0])
            central_port = int(central.group(1).split(":")[1])
            exposed = {
                port for address, port in listening(lecturer) if not ipaddress.ip_address(address).is_loopback
            }
            assert exposed == {central_port, web_port}, listening(lecturer)

            # The terminal shop, installed from the served wheel, buys a line.
            home = tmp_path / "student"
            home.mkdir()
            shop_venv = install_from_card(card, student, home)
            probe = [
                str(shop_venv / "bin/python"),
                "-c",
                "import customer_node; print(customer_node.__file__)",
            ]
            where = subprocess.run(probe, capture_output=True, text=True, check=True, cwd=home).stdout
            assert where.startswith(str(shop_venv)), where
            shop_command = re.search(r"^  (shop-venv/bin/distribution-customer shop .*)$", card, re.MULTILINE)
            assert shop_command, card
            shop_argv = [str(home / word) if word.startswith("shop-venv/") else word
                         for word in shop_command.group(1).split()]  # fmt: skip
            shop_argv += ["--name", "alice", "--card", CARD, "--account-file", str(home / "alice.json")]
            clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
            log = home / "shop.log"
            with log.open("wb") as shop_out:
                shop = subprocess.Popen(
                    in_ns(student, *shop_argv),
                    cwd=home,
                    env=clean_env,
                    stdin=subprocess.PIPE,
                    stdout=shop_out,
                    stderr=subprocess.STDOUT,
                )
            with stopped_at_exit(shop):
                buy_one_line(shop, log)

            # The web shop, from Chromium inside the student's namespace, buys a line.
            commands = [line.strip() for line in card.splitlines() if line.startswith("  ")]
            web_shop_buys(student, shop_url.group(1), tmp_path, commands)


def web_shop_buys(student: str, shop_url: str, tmp_path: Path, commands: list[str]) -> None:
    """Registers ``bob`` on the web shop, buys the first line on sale, sees both on the dashboard
    and the card's ``commands`` whole in its Join panel."""
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.shop_steps import register

    # Playwright talks to the browser over pipes: started through `ip netns exec`, its traffic
    # leaves from the student's namespace.
    wrapper = tmp_path / "chromium-in-student-ns"
    wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {student} {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    base = shop_url.removesuffix("/shop")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(wrapper), args=["--no-sandbox", "--disable-gpu", "--no-first-run"]
        )
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            register(page, base, "bob")
            row = page.locator("#catalog tr[data-line-id]").filter(has=page.locator("button.add")).first
            row.locator("input.qty").fill("1")
            row.locator("button.add").click()
            expect(page.locator("#cart tr[data-line-id]").first).to_be_visible()
            page.click("#checkout")
            expect(page.locator("#checkout-result .placed")).to_contain_text("Order placed")
            page.goto(base + "/")
            expect(page.locator("#join-panel")).to_be_visible()
            expect(page.locator("#join-shop")).to_have_text(shop_url)
            # The QR code of the shop's URL loaded as an image (segno's SVG from the web node).
            qr = page.locator("#join-qr")
            expect(qr).to_have_attribute("src", "/join/qr.svg")
            # A locator's assertion, not wait_for_function: the page's CSP forbids the eval it uses.
            expect(qr).to_have_js_property("complete", True)
            assert qr.evaluate("img => img.naturalWidth") > 0, "the QR code's image did not load"
            # The card's commands as join.txt prints them, each whole inside the panel (wrapped).
            install = page.locator("#join-install")
            expect(install).to_have_text("\n".join(commands))
            assert install.evaluate("node => node.scrollWidth - node.clientWidth") <= 1
            expect(page.locator("#shoppers")).to_contain_text("alice")
            expect(page.locator("#shoppers")).to_contain_text("bob")
            assert not errors, f"the pages' scripts failed over plain HTTP on the LAN: {errors}"
        finally:
            browser.close()
