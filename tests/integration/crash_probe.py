"""Crash-test helper: run a show in a child process, report, then block until killed.

    python -m tests.integration.crash_probe SHOW_DIR          # a show scene, then block
    python -m tests.integration.crash_probe SHOW_DIR --spam   # record sales until killed

The first prints one JSON line with what it did, then ``READY``, then waits on stdin forever.
The second prints ``READY``, then the journal seq of every sale as soon as ``execute`` returns.
"""

from __future__ import annotations

import json
import sys

from console.show.commands import (
    AddLotteryEntrant,
    OpenLottery,
    PinProduct,
    RecordSale,
    StartFlashSale,
)
from console.show.controller import ShowController


def main(show: str) -> None:
    controller = ShowController.open(show)
    controller.execute(PinProduct("CUP-316-500"))
    sale = controller.execute(StartFlashSale("CUP-316-500", 5900, 50, 120.0))
    lottery = controller.execute(
        OpenLottery("蓝牙耳机 1副", 19900, "keyword", 2, 600.0, keyword="想要")
    )
    lottery_id = lottery.payload["lottery_id"]
    for i in range(5):
        controller.execute(
            AddLotteryEntrant(lottery_id, f"u{i}", f"观众{i}", "comment", "想要想要")
        )
    controller.execute(RecordSale("CUP-316-500", 3, flash_sale_id=sale.payload["sale_id"]))
    controller.execute(RecordSale("PODS-52", 2))
    state = controller.state
    report = {
        "pinned": state.pinned.product_id if state.pinned else None,
        "pinned_since": state.pinned.since if state.pinned else None,
        "sale_id": sale.payload["sale_id"],
        "ends_at": sale.payload["ends_at"],
        "remaining_quantity": state.flash_sales[sale.payload["sale_id"]].remaining_quantity,
        "lottery_id": lottery_id,
        "seed_hash": lottery.payload["seed_hash"],
        "entrants": sorted(state.lotteries[lottery_id].entrants),
        "stock": state.stock,
        "last_seq": state.last_seq,
    }
    print(json.dumps(report, ensure_ascii=False), flush=True)
    print("READY", flush=True)
    sys.stdin.read()  # block until the test kills us (or closes stdin)


def spam(show: str) -> None:
    controller = ShowController.open(show)
    print("READY", flush=True)
    while True:
        for product in ("PODS-52", "MASK-HA-10"):
            event = controller.execute(RecordSale(product, 1))
            print(event.seq, flush=True)


if __name__ == "__main__":
    if "--spam" in sys.argv:
        spam(sys.argv[1])
    else:
        main(sys.argv[1])
