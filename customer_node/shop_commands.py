"""The interactive shop's command line: the verbs, their aliases and arguments, and the help text."""

from __future__ import annotations

from dataclasses import dataclass

HELP = """\
commands:
  list               show the live catalog, numbered
  add N [QTY]        reserve QTY (default 1) units of catalog line N
  remove N           put back row N of your cart (numbers from 'cart'; one reservation a row)
  cart               show your cart
  checkout           buy what is in your cart
  history            show your orders
  card NUMBER MM/YYYY  replace your payment card
  done               tell the central you are done shopping this month, and leave
  help               show this text
  quit               leave (your reservations expire on their own)"""


@dataclass(frozen=True, slots=True)
class Command:
    """One parsed input line: the verb and its integer arguments (or raw text for ``card``)."""

    verb: str
    numbers: tuple[int, ...] = ()
    text: str = ""


VERBS = {"list", "add", "remove", "cart", "checkout", "history", "card", "done", "help", "quit"}
ALIASES = {
    "ls": "list",
    "rm": "remove",
    "buy": "checkout",
    "orders": "history",
    "exit": "quit",
    "q": "quit",
    "?": "help",
}


USAGES = {
    "add": "'add NUMBER [QUANTITY]' with a line's number from 'list'",
    "remove": "'remove ROW' with a row's number from 'cart'",
}


def parse_command(line: str) -> Command:
    """Parses one input line.

    Raises:
        ValueError: With a message for a person when the line is not a command.
    """
    words = line.split()
    if not words:
        return Command("")
    verb = ALIASES.get(words[0].lower(), words[0].lower())
    if verb not in VERBS:
        raise ValueError(f"Unknown command {words[0]!r}; type 'help'.")
    if verb == "card":
        return Command(verb, text=" ".join(words[1:]))
    typed = words[0]
    need = {"add": (1, 2), "remove": (1, 1)}.get(verb, (0, 0))
    if need == (0, 0) and len(words) > 1:
        # "buy apples": the person means a product; say how buying goes rather than a rule on numbers.
        hint = (
            " To buy: 'add NUMBER [QUANTITY]' (numbers from 'list'), then 'checkout'."
            if verb == "checkout"
            else ""
        )
        raise ValueError(f"'{typed}' takes nothing after it.{hint} Type 'help' for more.")
    try:
        numbers = tuple(int(word) for word in words[1:])
    except ValueError:
        usage = USAGES.get(verb, verb)
        raise ValueError(f"'{typed}' takes numbers: {usage}; type 'help'.") from None
    if not need[0] <= len(numbers) <= need[1]:
        raise ValueError(f"Wrong number of arguments: {USAGES.get(verb, verb)}; type 'help'.")
    return Command(verb, numbers)
