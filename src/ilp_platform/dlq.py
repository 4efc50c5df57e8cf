"""`ilp dlq`: the events a service could not process, why, and sending them again once
the cause is fixed (or dropping them)."""

from __future__ import annotations

import asyncio
from datetime import datetime

from ilp_kit import dead_letters
from ilp_kit.messaging import connect
from rich.console import Console
from rich.table import Table

from . import CLI_LANGUAGE


def dlq(nats_url: str, action: str, seqs: list[int], service: str | None, limit: int,
        console: Console | None = None) -> int:
    """List (`action` "list"), send again ("resend") or drop ("drop") dead letters: the
    given sequence numbers, or all of `service` (or of every service) when none are given.
    Returns how many were listed, sent again or dropped."""
    return asyncio.run(_dlq(nats_url, action, seqs, service, limit, console or Console()))


async def _dlq(nats_url: str, action: str, seqs: list[int], service: str | None, limit: int,
               console: Console) -> int:
    nc = await connect(nats_url, "ilp-dlq", wait=False)
    try:
        js = nc.jetstream()
        if seqs:  # by number: fetched one by one, not found by reading them all
            found = {seq: await dead_letters.get(js, seq) for seq in dict.fromkeys(seqs)}
            letters = [letter for letter in found.values()
                       if letter and (service is None or letter.service == service)]
            if missing := [seq for seq, letter in found.items() if letter not in letters]:
                console.print(f"tidak ada dead letter nomor {', '.join(map(str, missing))}")
        else:
            letters = await dead_letters.read(js, service,
                                              limit=limit if action == "list" else 1_000_000)
        if action == "list":
            console.print(_table(letters))
        for letter in letters if action != "list" else []:
            if action == "resend":
                await dead_letters.send_again(js, letter)
            else:
                await dead_letters.drop(js, letter.seq)
        if action != "list":
            done = "dikirim ulang" if action == "resend" else "dihapus"
            console.print(f"{len(letters)} dead letter {done}")
        return len(letters)
    finally:
        await nc.close()


def _table(letters: list[dead_letters.DeadLetter]) -> Table:
    table = Table(title=f"{len(letters)} dead letter", title_justify="left")
    table.add_column("no", justify="right")
    # The operator's own clock (TZ of the machine: Asia/Makassar in a WITA Dinkes).
    table.add_column(f"waktu ({datetime.now().astimezone().tzname()})", no_wrap=True)
    table.add_column("layanan / subject")
    table.add_column("alasan", overflow="fold", ratio=1)
    for letter in letters:
        table.add_row(str(letter.seq), f"{letter.at.astimezone():%d-%m %H:%M}",
                      f"{letter.service}\n[dim]{letter.subject}[/]",
                      f"[dim]{letter.reason.get('type', '')}[/] "
                      f"{letter.summary_in(CLI_LANGUAGE)}")
    return table
