"""Recordings ▸ Clips: the show's sessions, the clips each would give, and "Cut clips".

Left: the sessions of the show's journal (number, rehearsal/live, when, recordings, a gap when a
crash was resumed). Right: the clips of the selected session — title, start in the recording,
duration, file (empty until cut). **Cut clips** runs :func:`console.clips.cut_session` on a
worker (``BackgroundTasks``): remuxing never blocks the UI thread; its notes (a recording cut
short, a segment not fully in it, YouTube's chapter rule) are shown under the table.

Opened from the main window with ``ClipsDialog(show_path, parent=self).show()``. Titles come
from the catalog (someone else's file), so every cell is plain text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from console.clips import ClipsResult, Session, cut_session, load_sessions, plan
from console.errors import UserError
from console.qt.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from console.timefmt import hms
from console.ui.plain import plain_label
from console.ui.tasks import BackgroundTasks

KIND_TEXT = {"product": "商品 Product", "flash_sale": "秒杀 Flash sale", "lottery": "抽奖 Lottery"}
COLUMNS = ("片段 Clip", "类型 Kind", "开始 Start", "时长 Duration", "文件 File")


def _clock(seconds: float) -> str:
    return hms(round(seconds))


def session_text(s: Session) -> str:
    when = dt.datetime.fromtimestamp(s.start).strftime("%Y-%m-%d %H:%M")
    mode = "彩排 rehearsal" if s.mode != "live" else "直播 LIVE"
    extra = []
    if not s.finished:
        extra.append("unfinished")
    if s.resumes:
        extra.append(f"{len(s.resumes)} gap(s)")
    rec = f"{len(s.recordings)} recording(s)" if s.recordings else "no recording"
    tail = f" · {', '.join(extra)}" if extra else ""
    return f"#{s.number}  {when}  {mode}  {_clock(s.until - s.start)}  · {rec}{tail}"


class ClipsDialog(QDialog):
    def __init__(
        self,
        show: str | Path,
        parent: QWidget | None = None,
        tasks: BackgroundTasks | None = None,
    ) -> None:
        super().__init__(parent)
        self.show_path = Path(show)
        self.tasks = tasks or BackgroundTasks(self, max_threads=1)
        self.setWindowTitle("切片 Clips — " + self.show_path.name)
        self.resize(1280, 520)
        self.sessions: list[Session] = []
        self.result: ClipsResult | None = None
        self.sessions_list = QListWidget()
        self.sessions_list.setMinimumWidth(440)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.status = plain_label()
        self.status.setWordWrap(True)
        self.cut_button = QPushButton("切片 Cut clips")
        self.cut_button.clicked.connect(self.cut)
        self.note = plain_label(
            "Clips are copied, not re-encoded: each starts on the keyframe at or before its "
            "pin (up to one GOP, 2 s, early). Chapters: WebVTT, a YouTube list and the full "
            "show as MP4."
        )
        self.note.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(self.table, 1)
        right.addWidget(self.status)
        right.addWidget(self.note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cut_button)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.sessions_list)
        layout.addLayout(right, 1)
        self.sessions_list.currentRowChanged.connect(self._select)
        self.reload()

    # ---- the sessions and their clips

    def reload(self) -> None:
        """Read the journal again (a short read-only query on the UI thread)."""
        self.sessions_list.clear()
        try:
            self.sessions = load_sessions(self.show_path)
        except UserError as exc:
            self.sessions = []
            self.status.setText(str(exc))
        for s in self.sessions:
            self.sessions_list.addItem(QListWidgetItem(session_text(s)))
        if self.sessions:
            self.sessions_list.setCurrentRow(len(self.sessions) - 1)
        else:
            self.cut_button.setEnabled(False)

    @property
    def session_number(self) -> int | None:
        row = self.sessions_list.currentRow()
        return self.sessions[row].number if 0 <= row < len(self.sessions) else None

    def _select(self, _row: int) -> None:
        self.result = None
        number = self.session_number
        if number is None:
            return
        try:
            self._fill(plan(self.show_path, number))
            self.cut_button.setEnabled(True)
            self.status.setText("")
        except UserError as exc:
            self.table.setRowCount(0)
            self.cut_button.setEnabled(False)
            self.status.setText(str(exc))

    def _fill(self, result: ClipsResult) -> None:
        self.result = result
        self.table.setRowCount(len(result.clips))
        for i, clip in enumerate(result.clips):
            job = clip.job
            start = job.media_start if job.media_start is not None else job.start
            duration = job.duration if job.written else job.end - job.start
            if job.written:
                file_text = job.out.name
            elif job.problem:
                file_text = f"— {job.problem}"
            else:
                file_text = ""
            cells = (
                clip.segment.title,
                KIND_TEXT.get(clip.segment.kind, clip.segment.kind),
                _clock(start),
                f"{duration:.1f} s",
                file_text,
            )
            for col, text in enumerate(cells):
                self.table.setItem(i, col, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    # ---- cutting (a worker)

    def cut(self) -> None:
        number = self.session_number
        if number is None:
            return
        self.cut_button.setEnabled(False)
        self.status.setText("切片中 Cutting…")
        show = self.show_path
        self.tasks.run(lambda: cut_session(show, number), self._cut_done, self._cut_failed)

    def _cut_done(self, result: ClipsResult) -> None:
        self._fill(result)
        done = sum(1 for c in result.clips if c.job.written)
        lines = [f"{done} of {len(result.clips)} clip(s) cut into {result.out}"]
        lines += result.notes
        self.status.setText("\n".join(lines))
        self.cut_button.setEnabled(True)

    def _cut_failed(self, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, UserError) else f"cutting failed: {exc}"
        self.status.setText(text)
        self.cut_button.setEnabled(True)
