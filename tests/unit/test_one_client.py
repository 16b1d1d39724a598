"""Only the client package (and the central's own servicers) builds a generated stub."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every caller of the central. central/ serves (its servicers' registrations are not stubs);
# nodekit is the plumbing under the client package (its start-up health probe is grpc's own stub).
CALLERS = ("customer_node", "branch_node", "manufacturer_node", "web_node", "launcher", "operator_cli")


def stub_constructions(path: Path) -> list[str]:
    """``Name(...)`` calls whose callee ends in ``Stub`` (``x.FooStub(...)`` or ``FooStub(...)``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Call):
            callee = node.func
            name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
            if name.endswith("Stub"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    return found


def test_no_caller_of_the_central_builds_its_own_stub() -> None:
    files = [path for package in CALLERS for path in sorted((ROOT / package).rglob("*.py"))]
    assert len(files) > 50  # the scan sees the packages
    assert [hit for path in files for hit in stub_constructions(path)] == []


# Where a stub may be built: the client package, and generated/ which declares them. The central
# registers servicers and builds none. Tests build raw stubs to speak the wire on purpose.
STUB_MAKERS = ("distribution_client", "generated", "tests")
# nodekit's start-up probe is grpc's own health stub, not one of the central's services. The
# benchmarks and the testing kit use the client package's raw stubs (CentralService's attributes).
STUB_EXCEPTIONS = ("nodekit",)


def test_no_module_beyond_the_client_builds_a_stub_of_the_central() -> None:
    skipped = {".venv", "build", *STUB_MAKERS, *STUB_EXCEPTIONS}
    files = [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if path.relative_to(ROOT).parts[0] not in skipped
        and not path.relative_to(ROOT).parts[0].startswith(".")
    ]
    assert any(path.parts[-2:] == ("central", "app.py") for path in files)  # the central is scanned
    assert [hit for path in files for hit in stub_constructions(path)] == []


def test_the_scan_sees_a_stub_construction() -> None:
    assert stub_constructions(ROOT / "distribution_client" / "service.py")


# Every caller reads the client package's records only, its streams (sales, link) too.
RECORD_READERS = CALLERS


def generated_imports(path: Path) -> list[str]:
    """``import generated...`` and ``from generated... import ...`` lines of one module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [
            f"{path.relative_to(ROOT)}:{node.lineno}: {name}"
            for name in names
            if name.startswith("generated")
        ]
    return found


def test_the_record_readers_import_no_wire_message() -> None:
    files = [path for package in RECORD_READERS for path in sorted((ROOT / package).rglob("*.py"))]
    assert [hit for path in files for hit in generated_imports(path)] == []


def test_the_scan_sees_a_generated_import() -> None:
    assert generated_imports(ROOT / "distribution_client" / "service.py")
