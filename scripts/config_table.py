"""Writes the configuration table (docs/operator.md) from the nodes' own parsers: ``--write``, or print it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from branch_node.settings import build_parser as branch_parser
from central.settings import build_parser as central_parser
from customer_node.cli import shop_parser, simulate_parser
from launcher.settings import build_parser as launcher_parser
from manufacturer_node.settings import build_parser as manufacturer_parser
from nodekit.config import options
from operator_cli.cli import build_parser as admin_parser
from web_node.settings import build_parser as web_parser

ROOT = Path(__file__).resolve().parent.parent
# The table lives in the operator's guide (the README stays a newcomer's page).
README = ROOT / "docs" / "operator.md"
BEGIN = "<!-- configuration table: made by scripts/config_table.py, do not edit by hand -->"
END = "<!-- end of configuration table -->"

ParserFactory = Callable[[Mapping[str, str]], argparse.ArgumentParser]
# Every program a person runs, in the order the README introduces them.
PROGRAMS: tuple[tuple[str, ParserFactory], ...] = (
    ("python run.py", launcher_parser),
    ("python -m central", central_parser),
    ("python -m operator_cli", admin_parser),
    ("python -m manufacturer_node", manufacturer_parser),
    ("python -m branch_node", branch_parser),
    ("python -m customer_node", simulate_parser),
    ("python -m customer_node shop", shop_parser),
    ("python -m web_node", web_parser),
)


def table() -> str:
    """The configuration table of every program, as Markdown (built with an empty environment)."""
    lines: list[str] = []
    for program, factory in PROGRAMS:
        lines += [f"`{program}`", "", "| flag | variable | default | meaning |", "|---|---|---|---|"]
        for option in options(factory({})):
            flag = f"{option.command} {option.flag}".strip()
            default = "required" if option.required else option.default
            cells = (f"`{flag}`", f"`{option.variable}`", f"`{default}`" if default else "", option.help)
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def readme_section(text: str) -> str:
    """What the README holds between the table's markers ("" when it has none)."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return ""
    return text[start + len(BEGIN) : end].strip("\n") + "\n"


def write(path: Path = README) -> None:
    """Replaces the table between the markers in ``path``."""
    text = path.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: no configuration table markers ({BEGIN!r} ... {END!r})")
    path.write_text(text[: start + len(BEGIN)] + "\n" + table() + text[end:], encoding="utf-8")


def main(argv: list[str]) -> int:
    """``python scripts/config_table.py [--write]``."""
    if argv == ["--write"]:
        write()
    else:
        sys.stdout.write(table())
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
