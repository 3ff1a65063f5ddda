"""PNG charts of a dataset (`newsset stats --plot`, `newsset build --plot`) for its card.

matplotlib is an optional extra (`pip install 'newsset[plot]'`), imported only when a chart
is drawn, always through the Agg canvas (no display, no pyplot state). Every setting that
reaches the pixels is fixed here (matplotlib's defaults, then size, dpi, the bundled DejaVu
Sans font) and the PNG carries no Software/time metadata, so the same data gives the same
bytes: the files can be listed with their sha256 in manifest.json like the rest of the folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .errors import ConfigError, OutputError
from .sources import CARD_MAX_BYTES, METADATA_MAX_BYTES, file_folders, newsset_manifest, read_small_file
from .stats import DatasetStats, collect

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["CHARTS", "IMAGES", "add_charts", "chart_folder", "dataset_lock", "publish_charts", "require_matplotlib",
           "write_charts", "write_charts_for_files", "chart_links"]

IMAGES = "images"  # default chart folder inside the dataset
#: file name -> alt text (the card's image link text).
CHARTS: dict[str, str] = {
    "articles_per_month.png": "Articles per month, by split",
    "body_length.png": "Body length in words, by split",
}
COLORS = {"train": "#3b6ea8", "validation": "#e08a2c", "test": "#4f9a4a"}
OTHER_COLORS = ("#8e5ea2", "#b5403a", "#6d6d6d")
SIZE = (10.0, 4.8)  # inches
DPI = 110
RC: dict[str, Any] = {"font.family": "DejaVu Sans", "font.size": 10, "axes.titlesize": 12,
                      "axes.titleweight": "bold", "axes.spines.top": False, "axes.spines.right": False,
                      "axes.grid": True, "axes.grid.axis": "y", "grid.color": "#dddddd", "grid.linewidth": 0.8,
                      "axes.axisbelow": True, "legend.frameon": False, "savefig.facecolor": "white",
                      "path.simplify": False}
INSTALL_HINT = "pip install 'newsset[plot]' (or: pip install matplotlib)"


def require_matplotlib() -> None:
    """Fail early, with what to install, before any work that would end in a chart (exit 2)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ConfigError(f"--plot needs matplotlib, which is not installed: {INSTALL_HINT}") from None


@contextmanager
def _fixed_style() -> Iterator[None]:
    """matplotlib's built-in defaults plus RC, whatever the user's matplotlibrc says; restored after."""
    import matplotlib

    with matplotlib.rc_context():
        matplotlib.rcdefaults()
        cast(Any, matplotlib.rcParams).update(RC)  # the stubs want literal keys
        yield


def _figure() -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=SIZE, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _articles(n: int) -> str:
    return f"{n:,} article" + ("" if n == 1 else "s")


def _color(split: str, i: int) -> str:
    return COLORS.get(split, OTHER_COLORS[i % len(OTHER_COLORS)])


MAX_BARS = 600  # past it, months are binned by year, then by decade and century (a placeholder 0001-01-01 date)


def _bins(st: DatasetStats) -> tuple[int, int, int]:
    """(first month, months a bar, bars), months counted from year 0: every month from the first
    to the last dated article (empty ones as zeros), in bars of 1, 12, 120 or 1200 months so that
    at most `MAX_BARS` are drawn (a scraper's `0001-01-01` placeholder beside 2024 asked for
    24,000 monthly bars, and a quarter of a minute)."""
    keys = sorted({m for s in st.splits.values() for m in s.months})
    if not keys:
        return 0, 1, 0
    y, m = map(int, keys[0].split("-"))
    y1, m1 = map(int, keys[-1].split("-"))
    first, last = y * 12 + m - 1, y1 * 12 + m1 - 1
    step = 1
    while (last // step - first // step + 1) > MAX_BARS:
        step *= 12 if step == 1 else 10
    first -= first % step
    return first, step, (last - first) // step + 1


def _articles_per_month(st: DatasetStats, path: Path) -> None:
    import numpy as np
    from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

    fig = _figure()
    ax = fig.add_subplot()
    first, step, n = _bins(st)
    per = {1: "month", 12: "year", 120: "decade"}.get(step, "century")
    if n:
        # A bar per bin on a plain axis of years (x = year + month/12): matplotlib's date axis draws
        # only years 1-9999 (a page may be dated 0001-01-01 or 9999-12-31), and it needs no date ticks.
        x = (first + step * np.arange(n)) / 12
        bottom = np.zeros(n)
        for i, (name, s) in enumerate(st.splits.items()):
            counts = np.zeros(n)
            for key, c in s.months.items():
                y, m = map(int, key.split("-"))
                counts[(y * 12 + m - 1 - first) // step] += c
            ax.bar(x, counts, width=step / 12 * 0.85, bottom=bottom, align="edge", color=_color(name, i),
                   linewidth=0, label=f"{name} ({_articles(sum(s.months.values()))})")
            bottom += counts
        span = n * step / 12
        ax.set_xlim(x[0] - span * 0.01 - step / 24, x[-1] + step / 12 + span * 0.01)
        every = next(k for k in (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200, 2400, 6000, 12000, 24000)
                     if n * step / k <= 10 or k == 24000)  # months between ticks: at most ~10 ticks
        ticks = [t for t in range(first - first % every, first + n * step + every, every)
                 if first <= t <= first + n * step]
        ax.xaxis.set_major_locator(FixedLocator([t / 12 for t in ticks]))
        ax.xaxis.set_major_formatter(FuncFormatter(_year_label))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.set_ylim(0, bottom.max() * 1.05 or 1)
        _legend(fig, len(st.splits))
        lo, hi = first, first + (n - 1) * step
        when = (f"{_MONTHS[lo % 12]} {lo // 12} \u2013 {_MONTHS[hi % 12]} {hi // 12}" if step == 1
                else f"{lo // 12} \u2013 {hi // 12 + step // 12 - 1}")
        ax.set_title(f"Articles per {per}, {when} (dated articles)", loc="left")
    else:
        ax.text(0.5, 0.5, "no dated articles", ha="center", va="center", transform=ax.transAxes)
        ax.set_title("Articles per month", loc="left")
    ax.set_ylabel(f"articles per {per} (stacked by split)")
    _save(fig, path)


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _year_label(v: float, _: object) -> str:
    """A tick at a year's start shows the year; one inside a year (a short span) the month too."""
    y, m = divmod(round(v * 12), 12)
    return f"{y}" if m == 0 else f"{_MONTHS[m]} {y}"


def _body_length(st: DatasetStats, path: Path) -> None:
    import numpy as np
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    fig = _figure()
    ax = fig.add_subplot()
    values = [v for s in st.splits.values() for v in s.words]
    if values:
        lo: float = max(1, min(values))
        hi: float = max(1, max(values))
        if hi / lo < 4:  # a narrow range: widen it so the bars have room
            lo, hi = max(1, lo / 2), hi * 2
        edges = np.geomspace(lo, hi * 1.0001, 41)
        top = 0.0
        for i, (name, s) in enumerate(st.splits.items()):
            if not s.words:
                continue
            v = np.fromiter(s.words.keys(), float)
            n = np.fromiter(s.words.values(), float)
            hist, _ = np.histogram(np.clip(v, lo, None), bins=edges, weights=n)
            share = hist / n.sum() * 100
            top = max(top, float(share.max()))
            median = cast(int, s.word_percentiles()["p50"])
            color = _color(name, i)
            ax.stairs(share, edges, color=color, linewidth=1.8,
                      label=f"{name} ({_articles(s.rows)}, median {median:,})")
            ax.axvline(median, color=color, linestyle="--", linewidth=1)
        ax.set_xscale("log")
        ax.set_xlim(edges[0], edges[-1])
        ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_ylim(0, top * 1.05 or 1)
        _legend(fig, len(st.splits))
    else:
        ax.text(0.5, 0.5, "no articles", ha="center", va="center", transform=ax.transAxes)
    ax.grid(True, axis="x", which="major", color="#eeeeee")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}%"))
    ax.set_title("Body length in words, log scale (dashed lines: each split's median)", loc="left")
    ax.set_xlabel("words in the body")
    ax.set_ylabel("share of the split's articles")
    _save(fig, path)


def _legend(fig: Figure, n: int) -> None:
    """Below the axes, in one row: inside, it would hide bars or cross the median lines."""
    fig.legend(loc="outside lower center", ncols=max(n, 1))


def _save(fig: Figure, path: Path) -> None:
    """Write through a temporary name: a reader never sees half a PNG, nor a temporary file left by
    an interrupted one."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        fig.savefig(tmp, format="png", dpi=DPI, metadata={"Software": None})
        os.replace(tmp, path)
    except OSError as e:
        raise OutputError(f"cannot write the chart {path}: {e.strerror or e}") from None
    finally:
        tmp.unlink(missing_ok=True)


#: chart -> the column it is drawn from: a dataset without it (a schema of one's own) gets no such chart.
CHART_COLUMN = {"articles_per_month.png": "date", "body_length.png": "body"}


def write_charts(st: DatasetStats, folder: str | os.PathLike[str]) -> list[Path]:
    """Draw each chart in CHARTS whose column the dataset has into `folder` (created if needed);
    returns their paths. The stats output says which are left out (`stats.NEEDS`), and the card
    links only those drawn."""
    require_matplotlib()
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create the chart folder {out}: {e.strerror or e}") from None
    draw = {"articles_per_month.png": _articles_per_month, "body_length.png": _body_length}
    paths = [out / name for name in CHARTS if CHART_COLUMN[name] not in st.missing]
    with _fixed_style():
        for path in paths:
            draw[path.name](st, path)
    return paths


def write_charts_for_files(root: Path, files: Sequence[dict[str, Any]], folder: Path) -> list[Path]:
    """Charts for the default-config shards of a manifest `files` list (the build's staged folder)."""
    shards = [(f["split"], root / f["path"]) for f in files if (f.get("config") or "default") == "default"]
    return write_charts(collect(shards, str(root)), folder)


def chart_folder(root: Path, plot: str) -> Path:
    """The folder `stats --plot [DIR]` writes into: DIR, or the dataset's images/. Refused (exit 2)
    inside a folder of shards or lm_eval/: loaders read every file there, and the card's own
    `pd.read_parquet(".../data")` failed on a PNG (verify passed, the PNGs being listed)."""
    folder = Path(plot).absolute() if plot else root / IMAGES
    real = folder.resolve()
    for name in sorted(file_folders(newsset_manifest(root))):
        if real.is_relative_to((root / name).resolve()):
            raise ConfigError(f"--plot {folder} is inside the dataset's {name}/: loaders read every file there "
                              f"(pandas' read_parquet('.../{name}') fails on a PNG); leave DIR out for the dataset's "
                              f"{IMAGES}/, or give a folder outside the dataset")
    return folder


def chart_links(paths: Sequence[Path], root: Path) -> list[tuple[str, str]]:
    """(alt text, path relative to the dataset) for the card."""
    return [(CHARTS[p.name], p.relative_to(root).as_posix()) for p in paths]


@contextmanager
def dataset_lock(root: Path) -> Iterator[None]:
    """The build's lock on dataset `root`, held while charts are drawn into it and listed: while a
    build is writing the same folder this fails fast, before any file is written, instead of
    editing a folder about to be replaced."""
    from .publish import remove_leftovers, take_lock

    root = root.absolute()
    with take_lock(root, f"a newsset build is writing {root} (lock {{lock}} is held); run stats --plot again when "
                   "it is done", read_only="for a dataset you cannot write, draw the charts elsewhere: --plot DIR"):
        remove_leftovers(root)
        yield


def add_charts(st: DatasetStats, root: Path, folder: Path) -> list[Path]:
    """Draw the charts of dataset `root` into its `folder` and list them, all or nothing for an
    interrupt: they are drawn beside the dataset, then moved in and listed in manifest.json and the
    card with Ctrl-C and SIGTERM held (a chart moved in but not listed fails `newsset verify`). The
    caller holds `dataset_lock(root)`."""
    import shutil

    from .publish import signals_deferred

    scratch = root.parent / f".{root.name}.charts-{os.getpid()}"
    try:
        drawn = write_charts(st, scratch)
        targets = [folder / p.name for p in drawn]
        with signals_deferred():
            try:
                folder.mkdir(parents=True, exist_ok=True)
                for p, t in zip(drawn, targets):
                    os.replace(p, t)
            except OSError as e:
                raise OutputError(f"cannot write the charts into {folder}: {e.strerror or e}") from None
            publish_charts(root, targets)
        return targets
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def publish_charts(root: Path, paths: Sequence[Path]) -> None:
    """List charts written into an existing dataset in manifest.json and link them from its card,
    as `build --plot` would have: `newsset verify` then checks them like every other file. Each
    file is replaced atomically; the caller holds `dataset_lock(root)`."""
    from .card import with_charts
    from .write import sha256_file, write_json

    root = root.absolute()
    manifest = json.loads(read_small_file(root / "manifest.json", METADATA_MAX_BYTES))
    rels = sorted(p.relative_to(root).as_posix() for p in paths)
    entries = [e for e in manifest.get("metadata_files") or [] if not (isinstance(e, dict) and
                                                                       e.get("path") in rels)]
    entries += [{"path": rel, "bytes": (root / rel).stat().st_size, "sha256": sha256_file(root / rel)}
                for rel in rels]
    manifest["metadata_files"] = entries
    _replace(root / "manifest.json", lambda tmp: write_json(tmp, manifest))
    card = root / "README.md"
    if card.is_file():
        try:
            text = read_small_file(card, CARD_MAX_BYTES).decode("utf-8")
        except OSError as e:
            raise OutputError(f"cannot link the charts from the card {card}: {e.strerror or e}") from None
        except UnicodeDecodeError:  # (its user section, saved by a Latin-1 editor, would come back mangled)
            raise OutputError(f"cannot link the charts from the card {card}: it is not UTF-8; save it as UTF-8 "
                              "and run again") from None
        links = chart_links(sorted(paths, key=lambda p: list(CHARTS).index(p.name)), root)
        _replace(card, lambda tmp: tmp.write_bytes(with_charts(text, links).encode("utf-8")))


def _replace(path: Path, write: Any) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot update {path}: {e.strerror or e}") from None
