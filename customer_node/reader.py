"""Reading the person's lines: prompt-toolkit on a terminal, a plain line reader for pipes."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Protocol

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.history import InMemoryHistory
from prompt_toolkit.patch_stdout import patch_stdout

PROMPT = "shop> "


class Reader(Protocol):
    """Asks for lines and shows notices that come between them."""

    async def ask(self, prompt: str) -> str | None:
        """Shows ``prompt`` and returns the next line, or None when the person leaves (end of input)."""
        ...

    def notice(self, text: str) -> None:
        """Shows ``text`` at once, keeping what the person is typing intact."""
        ...


class PromptReader:
    """A prompt-toolkit prompt: line editing, history (up arrow), Tab completion of ``words``.

    Notices are plain prints: inside ``patch_stdout`` prompt-toolkit draws them above the
    prompt and redraws the line being typed below.
    """

    def __init__(self, words: Callable[[], list[str]]) -> None:
        completer = WordCompleter(words, ignore_case=True)
        self._session: PromptSession[str] = PromptSession(history=InMemoryHistory(), completer=completer)

    async def ask(self, prompt: str) -> str | None:
        """Reads one line; Ctrl-D and Ctrl-C leave, as they end a plain shell."""
        try:
            return await self._session.prompt_async(prompt)
        except (EOFError, KeyboardInterrupt):
            return None

    def notice(self, text: str) -> None:
        """Printed above the prompt by ``patch_stdout``."""
        print(f"[{text}]", flush=True)


class LineReader:
    """Reads stdin lines in a thread and hands them to the event loop.

    Why not ``asyncio.to_thread(input)``: a thread blocked in ``input()`` cannot be
    interrupted. The default executor is joined at loop shutdown, so after Ctrl-C or SIGTERM
    the process would hang until Enter; and a daemon thread blocked in ``input()`` holds the
    lock of ``sys.stdin``'s buffer, which aborts the interpreter at exit ("could not acquire
    lock for <stdin> at interpreter shutdown"). So a daemon thread reads the raw file
    descriptor, which holds no Python lock; the terminal still does the line editing.
    """

    def __init__(self, fd: int | None = None) -> None:
        self._fd = sys.stdin.fileno() if fd is None else fd
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        self._loop = asyncio.get_running_loop()
        self._thread = threading.Thread(target=self._read, name="stdin", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        pending = b""
        while True:
            try:
                chunk = os.read(self._fd, 4096)
            except OSError:
                chunk = b""
            pending += chunk
            *lines, pending = pending.split(b"\n")
            if not chunk:  # end of input: hand over a last unterminated line, then None
                lines += [pending] if pending else []
            for line in lines:
                self._post(line.decode("utf-8", errors="replace").rstrip("\r"))
            if not chunk:
                self._post(None)
                return

    def _post(self, line: str | None) -> None:
        # The loop may already be closed when the process exits; the line is then irrelevant.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self._queue.put_nowait, line)

    async def ask(self, prompt: str) -> str | None:
        """Shows ``prompt`` and returns the next line, or None at end of input."""
        print(prompt, end="", flush=True)
        return await self._queue.get()

    def notice(self, text: str) -> None:
        """On its own line, then the prompt again (a pipe has no line being edited)."""
        print(f"\n[{text}]\n{PROMPT}", end="", flush=True)


@contextlib.contextmanager
def open_reader(words: Callable[[], list[str]]) -> Iterator[Reader]:
    """A prompt-toolkit reader when stdin and stdout are a terminal, else the plain one."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        with patch_stdout(raw=True):
            yield PromptReader(words)
    else:
        yield LineReader()
