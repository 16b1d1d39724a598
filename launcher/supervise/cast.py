"""Who takes part in a run: names, keys, derived seeds, each child's command line and key variables."""

from __future__ import annotations

import hashlib
import re
import secrets
import sys
from dataclasses import dataclass
from enum import Enum

from launcher.records.pace import DEFAULT_PACE, PACES, Pace

MANUFACTURER_NAMES: tuple[str, ...] = (
    "Acme Foods", "Borealis Tools", "Cobalt Textiles", "Delta Dairy", "Evergreen Paper",
    "Fjord Fisheries", "Granite Hardware", "Harbor Beverages", "Iris Cosmetics", "Juniper Toys",
    "Kestrel Bikes", "Lumen Lighting", "Maple Furniture", "Nimbus Electronics", "Orchard Fruit",
    "Prairie Grains", "Quartz Glassware", "Redwood Garden", "Summit Outdoor", "Tidal Soaps",
    "Umber Coffee", "Vista Optics", "Willow Linens", "Xenon Batteries", "Yarrow Teas",
    "Zephyr Fans",
)  # fmt: skip

# Branch stores are named after their town; all are in Ontario (see BRANCH_PROVINCE).
BRANCH_TOWNS: tuple[str, ...] = (
    "Toronto", "Ottawa", "Hamilton", "Kingston", "London", "Windsor", "Sudbury", "Barrie",
)  # fmt: skip

# The branches' sales tax depends on the province; every simulated branch is in Ontario.
BRANCH_PROVINCE = "ON"
RESERVATION_TTL_SECONDS = 30
# Branches restock in small lots and serve fewer walk-ins than a branch's defaults: their
# reorders are demand the market model does not steer (they follow the branch's own clock),
# so they are kept a modest share of it, and the first month's stocking of every product a
# small spike in the figures the recommendations average over.
BRANCH_FLAGS: tuple[str, ...] = (
    "--reorder-point",
    "3",
    "--reorder-quantity",
    "8",
    "--shoppers-per-day",
    "10",
)


# A branch's business days per month: its day lasts month_seconds / this, so its walk-ins and
# reorders ask the central for about the same each month at every pace. With fixed 5 s days a
# 60 s month had twelve branch days of reorders against the same offers, and sold out by half-time.
BRANCH_DAYS_PER_MONTH = 2.5


def branch_day_seconds(month_seconds: int) -> float:
    """The real length of a branch's business day in a month of ``month_seconds``."""
    return round(month_seconds / BRANCH_DAYS_PER_MONTH, 2)


class NodeKind(Enum):
    """The kind of a child process; it also decides the stop order (shoppers first)."""

    CENTRAL = "central"
    MANUFACTURER = "manufacturer"
    CUSTOMER = "customer"
    BRANCH = "branch"


@dataclass(frozen=True, slots=True)
class Shopping:
    """What a simulated customer (or branch) needs to know of the run: its tempo and the market's seed."""

    month_seconds: int
    think_ms: int
    market_seed: int


@dataclass(frozen=True, slots=True)
class Member:
    """One participant: display name, key (if it has one), seed, and for a customer its shopping."""

    role: NodeKind
    name: str
    key: str
    seed: int
    shopping: Shopping | None = None

    @property
    def slug(self) -> str:
        """A file-name-safe id, unique in the run: ``manufacturer-acme-foods``."""
        if self.role is NodeKind.CENTRAL:
            return "central"
        slug = slugify(self.name)
        # "customer-01" already says what it is; "Acme Foods" needs its role in front.
        return slug if slug.startswith(f"{self.role.value}-") else f"{self.role.value}-{slug}"


@dataclass(frozen=True, slots=True)
class Cast:
    """Everyone in one run, with the operator's key."""

    operator_key: str
    central: Member
    manufacturers: tuple[Member, ...]
    customers: tuple[Member, ...]
    branches: tuple[Member, ...]

    @property
    def shoppers(self) -> int:
        """How many participants tell the central they are done with a month.

        Only customers: a branch reorders whenever its stock runs low, so it has
        no natural end to a month of shopping.
        """
        return len(self.customers)


def slugify(name: str) -> str:
    """Lower-case words joined by dashes."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def derive_seed(base: int, name: str) -> int:
    """A child's seed from the run's seed and its name.

    Hashing (not ``base + index``) keeps the seeds unrelated to each other and stable
    when the number of other children changes.
    """
    digest = hashlib.sha256(f"{base}:{name}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFF_FFFF


def new_key() -> str:
    """A random per-run secret."""
    return secrets.token_urlsafe(24)


def manufacturer_name(index: int) -> str:
    """The index-th manufacturer's display name."""
    return MANUFACTURER_NAMES[index % len(MANUFACTURER_NAMES)]


def branch_name(index: int) -> str:
    """The index-th branch's name: a town, numbered once the towns run out."""
    town = BRANCH_TOWNS[index % len(BRANCH_TOWNS)]
    rounds = index // len(BRANCH_TOWNS)
    return town if rounds == 0 else f"{town} {rounds + 1}"


def build_cast(
    seed: int, manufacturers: int, customers: int, branches: int, pace: Pace = PACES[DEFAULT_PACE]
) -> Cast:
    """Names, fresh keys and derived seeds for every participant; customers shop at ``pace``.

    The run's seed is also the market's seed, so every customer of a run sees the same
    base demand per product (``customer_node.market``).
    """
    shopping = Shopping(pace.month_seconds, pace.think_ms, seed)

    def member(role: NodeKind, name: str, keyed: bool) -> Member:
        extra = shopping if role in (NodeKind.CUSTOMER, NodeKind.BRANCH) else None
        return Member(role, name, new_key() if keyed else "", derive_seed(seed, name), extra)

    return Cast(
        operator_key=new_key(),
        central=member(NodeKind.CENTRAL, "central", keyed=False),
        manufacturers=tuple(
            member(NodeKind.MANUFACTURER, manufacturer_name(i), keyed=True) for i in range(manufacturers)
        ),
        customers=tuple(
            member(NodeKind.CUSTOMER, f"customer-{i + 1:02d}", keyed=False) for i in range(customers)
        ),
        branches=tuple(member(NodeKind.BRANCH, branch_name(i), keyed=True) for i in range(branches)),
    )


# The variables that carry the keys, so no key is on a command line (``ps`` shows those to all).
OPERATOR_KEY_ENV = "DISTRIBUTION_OPERATOR_KEY"
MANUFACTURER_KEYS_ENV = "DISTRIBUTION_MANUFACTURER_KEYS"
BRANCH_KEYS_ENV = "DISTRIBUTION_BRANCH_KEYS"
MEMBER_KEY_ENV = {
    NodeKind.MANUFACTURER: "DISTRIBUTION_MANUFACTURER_KEY",
    NodeKind.BRANCH: "DISTRIBUTION_BRANCH_KEY",
}
# Every variable a node reads a key from; a run hands out its own keys, so none is inherited.
KEY_VARIABLES: frozenset[str] = frozenset(
    name + suffix
    for name in (OPERATOR_KEY_ENV, MANUFACTURER_KEYS_ENV, BRANCH_KEYS_ENV, *MEMBER_KEY_ENV.values())
    for suffix in ("", "_FILE")
)
# Joins the NAME=KEY pairs in one variable (nodekit.config.LIST_SEPARATOR); no name or key holds it.
_PAIRS_SEPARATOR = ","


def central_argv(port: int, db_url: str, host: str = "127.0.0.1") -> list[str]:
    """``python -m central ...`` listening on ``host``; the keys go by ``central_env``, never on this line."""
    argv = [sys.executable, "-m", "central", "--host", host, "--port", str(port)]
    return [*argv, "--db", db_url, "--reservation-ttl-seconds", str(RESERVATION_TTL_SECONDS)]


def central_env(cast: Cast) -> dict[str, str]:
    """The central's environment: the operator key and every configured manufacturer and branch key."""

    def pairs(members: tuple[Member, ...]) -> str:
        return _PAIRS_SEPARATOR.join(f"{member.name}={member.key}" for member in members)

    env = {OPERATOR_KEY_ENV: cast.operator_key}
    if cast.manufacturers:
        env[MANUFACTURER_KEYS_ENV] = pairs(cast.manufacturers)
    if cast.branches:
        env[BRANCH_KEYS_ENV] = pairs(cast.branches)
    return env


def member_env(member: Member) -> dict[str, str]:
    """A manufacturer's or branch's environment: its key; nothing for a customer."""
    variable = MEMBER_KEY_ENV.get(member.role)
    return {variable: member.key} if variable else {}


def member_argv(member: Member, central: str, branch_db: str = "") -> list[str]:
    """The command line of a manufacturer, customer or branch talking to ``central`` (no key on it)."""
    argv = [sys.executable, "-m", f"{member.role.value}_node", "--central", central]
    argv += ["--name", member.name]
    if member.role is NodeKind.BRANCH:
        argv += ["--db", branch_db, "--province", BRANCH_PROVINCE, *BRANCH_FLAGS]
        if member.shopping is not None:
            argv += ["--day-seconds", str(branch_day_seconds(member.shopping.month_seconds))]
    elif member.role is NodeKind.CUSTOMER:
        # Shoppers spread their baskets over the month and pause like people between clicks.
        shopping = member.shopping or Shopping(PACES[DEFAULT_PACE].month_seconds, 0, 1)
        argv += ["--think-ms", str(shopping.think_ms), "--month-seconds", str(shopping.month_seconds)]
        argv += ["--market-seed", str(shopping.market_seed)]
    elif member.role is not NodeKind.MANUFACTURER:
        raise ValueError(f"no member command line for {member.role}")
    return [*argv, "--seed", str(member.seed)]
