"""Progress and the final summary: what a person watching a long run sees."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import newsset
from newsset.cli import main
from newsset.progress import bar, wanted
from newsset.synth import write_corpus


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_build_reports_progress_per_file_up_to_the_total(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 300, seed=2, dup_rate=0.02, bad_rate=0.02)
    calls: list[tuple[int, int]] = []
    newsset.build([raw], tmp_path / "out", jobs=1, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) > 2 and all(total == 300 for _, total in calls)
    dones = [d for d, _ in calls]
    assert dones == sorted(dones) and dones[-1] == 300


def test_validate_reports_progress(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 20, seed=3)
    calls: list[tuple[int, int]] = []
    report = newsset.validate(newsset.discover([raw]), newsset.load_schema(),
                              progress=lambda d, t: calls.append((d, t)))
    assert report.files and calls[-1] == (20, 20) and len(calls) == 20


def test_a_bar_only_for_a_person_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSSET_NO_PROGRESS", raising=False)
    assert wanted(False, _Tty()) is True
    assert wanted(True, _Tty()) is False  # --quiet
    assert wanted(False, io.StringIO()) is False  # a pipe or a CI log
    monkeypatch.setenv("NEWSSET_NO_PROGRESS", "1")
    assert wanted(False, _Tty()) is False
    monkeypatch.setenv("NEWSSET_NO_PROGRESS", "0")
    assert wanted(False, _Tty()) is True


def test_the_bar_draws_on_stderr_and_disappears(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    with bar("building", True) as progress:
        for done in range(0, 101, 10):
            progress(done, 100)
    assert "building" in err.getvalue() and "/100" in err.getvalue()
    with bar("building", False) as progress:
        progress(5, 10)  # disabled: nothing drawn, nothing raised


def test_build_summary_says_what_went_in_and_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = tmp_path / "raw"
    write_corpus(raw, 60, seed=4, dup_rate=0.05, bad_rate=0.1)
    out = tmp_path / "out"
    assert main(["build", str(raw), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    r = newsset.build([raw], tmp_path / "again")
    assert f"built {out} in " in err and "inputs/s" in err
    assert "read      60 input(s) from 60 file(s)" in err
    assert f"train {r.rows['train']:,}" in err
    assert f"rejected  {r.total_rejected:,}: " in err and "rejects.jsonl" in err and "newsset explain" in err
    top = max(r.rejected.items(), key=lambda kv: (kv[1], kv[0]))[0]
    assert top in err
    assert main(["build", str(raw), "--out", str(out), "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_build_counts_warnings_of_kept_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    raw = tmp_path / "raw"
    write_corpus(raw, 5, seed=6, dup_rate=0.0, bad_rate=0.0)
    page = sorted(raw.rglob("*.txt"))[0]
    text = page.read_text(encoding="utf-8")
    lines = text.split("\n")
    last = max(i for i, ln in enumerate(lines) if len(ln) > 60)  # a body paragraph line
    lines[last] += " The cafÃ© owners said it was â€œfineâ€\x9d."
    page.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(raw), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"]["warnings_by_code"] == {"text.mojibake": 1}
    assert manifest["inputs"]["rejected"] == 0
    assert "warnings  text.mojibake 1 (rows kept; `newsset validate` shows where)" in err


def test_progress_counts_a_file_read_in_byte_ranges_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    import newsset.chunk as chunk_mod

    raw = tmp_path / "raw"
    write_corpus(raw, 40, seed=7, dup_rate=0.0, bad_rate=0.0)
    rec = tmp_path / "in" / "records.jsonl"
    rec.parent.mkdir()
    rec.write_text("".join(json.dumps(newsset.parse_file(p, raw).to_dict()) + "\n" for p in sorted(raw.rglob("*.txt"))))
    (tmp_path / "in" / "one.txt").write_bytes(sorted(raw.rglob("*.txt"))[0].read_bytes())
    monkeypatch.setattr(chunk_mod, "RANGE_BYTES", rec.stat().st_size // 5)
    calls: list[tuple[int, int]] = []
    r = newsset.build([rec.parent], tmp_path / "out", jobs=1, progress=lambda d, t: calls.append((d, t)))
    assert r.chunks >= 6
    assert calls[-1] == (2, 2) and all(d <= t for d, t in calls)


def test_build_summary_names_a_task_no_record_fits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Pages without a standfirst feed no summarization: the summary said only the configs written,
    so a task went missing unexplained."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for k in range(3):
        (raw / f"p{k}.txt").write_text(f" date 2024-02-0{k + 1} Story {k}\n\nThe body of story {k} is here.\n",
                                       encoding="utf-8")
    assert main(["build", str(raw), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "(+ task configs: headline_generation)" in err
    assert "tasks     no record fits summarization" in err
