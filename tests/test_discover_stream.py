"""Files found one at a time: the same files, in the same order, as listing them all would give.

``aerp validate`` walks the folders it is given as it checks the files, and feeds the worker
pool a bounded window ahead of the results, so that memory does not grow with the number of
files. None of that may show in the output: the lazy walk is pitted against the old
collect-normalise-sort on random trees with names chosen to trip string ordering, and the
report is compared byte for byte between one job and two.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aerp.batch import FILES_PER_WORKER, Bug, validate_many, window_size
from aerp.discover import SUFFIXES, discover, iter_files
from aerp.findings import FileResult
from aerp.pipeline import default_limits
from conftest import SUITE, conformant_files, run_cli, run_subprocess

# Names that sort next to each other: "-" and "." come before "/", "0" and "_" after it, so a
# folder's files must come after "a.yaml" and "a-b" but before "a0" whatever the file system
# lists first. Few names, so that a folder and its neighbours meet often.
BASES = ("a", "a-b", "a.b", "a0", "a_b", "A", "b", ".h")
FOLDERS = st.sampled_from((*BASES, "a.yaml", "é"))
ENDINGS = (".yaml", ".yml", ".json", ".YAML", ".Json", "", ".txt")
FILES = st.builds(lambda base, ending: base + ending, st.sampled_from((*BASES, "a b")), st.sampled_from(ENDINGS))


def reference(paths: Iterable[str]) -> list[tuple[Path, str]]:
    """What ``discover`` has always returned: everything collected, normalised, first one kept, sorted."""
    found: dict[str, Path] = {}
    for given_path in paths:
        path = Path(given_path)
        if path.is_dir() and not given_path.lower().endswith(SUFFIXES):
            for folder, subfolders, files in os.walk(path, followlinks=False):
                subfolders.sort()
                for name in files:
                    if name.lower().endswith(SUFFIXES) and not name.startswith("."):
                        full = Path(folder) / name
                        found.setdefault(os.path.normpath(str(full)), full)
        else:
            found.setdefault(os.path.normpath(given_path), path)
    return sorted(((p, name) for name, p in found.items()), key=lambda item: item[1])


@contextlib.contextmanager
def inside(folder: Path) -> Iterator[None]:
    """The working folder set to ``folder`` for a while, so that relative arguments can be tried."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def build_tree(root: Path, entries: list[tuple[list[str], bool]], content: bytes = b"{}\n") -> tuple[list, list]:
    """Make ``entries`` (components, is a folder) under ``root``; return the folders and files made, relative.

    An entry that clashes with one already made (a file where a folder is, or below a file) is
    left out: the tree is whatever the entries allow.
    """
    folders: list[str] = []
    files: list[str] = []
    for parts, is_folder in entries:
        target = root.joinpath(*parts)
        try:
            if is_folder:
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    continue
                target.write_bytes(content)
        except OSError:
            continue
        (folders if is_folder else files).append("/".join(parts))
    for made in root.rglob("*"):
        if made.is_dir() and made.relative_to(root).as_posix() not in folders:
            folders.append(made.relative_to(root).as_posix())
    return sorted(set(folders)), files


# (components, is a folder): a file below zero to two folders, or a folder alone (perhaps empty)
ENTRIES = st.lists(
    st.one_of(
        st.builds(lambda folders, name: ([*folders, name], False), st.lists(FOLDERS, max_size=2), FILES),
        st.builds(lambda folders: (folders, True), st.lists(FOLDERS, min_size=1, max_size=2)),
    ),
    min_size=1,
    max_size=20,
)


@given(entries=ENTRIES, links=st.booleans(), data=st.data())
def test_the_walk_finds_what_listing_everything_finds_in_the_same_order(
    entries: list[tuple[list[str], bool]], links: bool, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        folders, files = build_tree(root, entries)
        if links:
            # a link to a folder is not followed; links to files, even broken ones, are files
            os.symlink(root, root / "loop", target_is_directory=True)
            os.symlink(root / "nowhere.yaml", root / "broken.yaml")
            if files:
                os.symlink(root / files[0], root / "link.json")
        candidates = [".", "./", "missing", "missing.yaml", *folders, *files, *(["loop", "loop/"] if links else [])]
        candidates += [f"./{f}" for f in folders] + [f"{f}/" for f in folders] + [f"./{f}" for f in files]
        candidates += [f"{f}/../{f}" for f in folders[:3]] + [str(root), f"{root}/."]
        arguments = data.draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=5), label="arguments")
        with inside(root):
            for tried in (["."], arguments):  # the whole tree, and what the arguments reach of it
                expected = reference(tried)
                assert list(iter_files(tried)) == expected
                assert discover(tried) == expected


def test_each_file_once_from_the_first_argument_that_reaches_it(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "sub" / "x.yaml").write_text("{}")
    arguments = [f"{tmp_path}/other/../sub/x.yaml", str(tmp_path / "sub"), f"{tmp_path}/./sub/x.yaml"]
    found = list(iter_files(arguments))
    assert found == reference(arguments)
    assert found == [(Path(arguments[0]), str(tmp_path / "sub" / "x.yaml"))]


def test_a_folder_that_cannot_be_listed_is_skipped_as_os_walk_skips_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "locked", "broken", "z"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.yaml").write_text("{}")
    (tmp_path / "locked" / "deeper").mkdir()
    (tmp_path / "locked" / "deeper" / "y.json").write_text("{}")
    real = os.scandir

    class Failing:
        """A listing that fails after its first entry, as a folder removed meanwhile does."""

        def __init__(self, path: str) -> None:
            self.listing = real(path)
            self.given = 0

        def __enter__(self) -> Failing:
            return self

        def __exit__(self, *_: object) -> None:
            self.listing.close()

        def __iter__(self) -> Failing:
            return self

        def __next__(self) -> os.DirEntry[str]:
            if self.given:
                raise OSError("gone")
            self.given += 1
            return next(self.listing)

    def scandir(path: str = ".") -> object:
        if os.path.basename(os.fspath(path)) == "locked":
            raise PermissionError(13, "Permission denied", path)
        if os.path.basename(os.fspath(path)) == "broken":
            return Failing(os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    arguments = [str(tmp_path), str(tmp_path / "locked")]
    expected = reference(arguments)
    assert [name for _, name in expected] == [str(tmp_path / "a" / "x.yaml"), str(tmp_path / "z" / "x.yaml")]
    assert list(iter_files(arguments)) == expected


def test_deep_folders_do_not_exhaust_the_stack(tmp_path: Path) -> None:
    deepest = tmp_path.joinpath(*["d"] * 300)
    deepest.mkdir(parents=True)
    (deepest / "x.yaml").write_text("{}")
    assert list(iter_files([str(tmp_path)])) == [(deepest / "x.yaml", str(deepest / "x.yaml"))]


# -- the report: the same bytes with one job or two ---------------------------------------------


def submissions_tree(root: Path) -> list[str]:
    """A tree of real submissions under tricky names, some non-conformant, and the arguments naming it."""
    sources = sorted(p for p in SUITE.rglob("*") if p.suffix in (".yaml", ".json"))
    index = 0
    for base in BASES:
        if base.startswith("."):
            continue
        for folder in ("", "a", "a-b", "a.b/c", "a0"):
            source = sources[index % len(sources)]
            index += 1
            target = root / folder / (base + source.suffix.upper() if index % 3 == 0 else base + source.suffix)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    (root / "a" / "notes.txt").write_text("not a submission")
    return [".", "a", "./a-b", "a/../a0", next(str(p.relative_to(root)) for p in sorted((root / "a").iterdir()))]


def test_the_report_is_the_same_with_one_job_or_two(tmp_path: Path) -> None:
    arguments = submissions_tree(tmp_path)
    with inside(tmp_path):
        assert len(reference(arguments)) >= 2 * FILES_PER_WORKER * 2  # enough for two workers
        for options in ([], ["-o", "json", "--timestamp", "2026-01-01T00:00:00Z"]):
            one = run_cli("validate", "--jobs", "1", *options, *arguments)
            two = run_cli("validate", "--jobs", "2", *options, *arguments)
            assert one.exit_code == two.exit_code == 1
            assert one.stdout == two.stdout and one.stderr == two.stderr
        report = run_cli("validate", "--jobs", "2", "-o", "json", "--timestamp", "2026-01-01T00:00:00Z", *arguments)
        assert [entry["path"] for entry in report.json()["files"]] == [name for _, name in reference(arguments)]


def test_fail_fast_with_two_jobs_stops_at_the_first_failing_file(tmp_path: Path) -> None:
    failing = next(p for p in sorted((SUITE / "non-conformant").rglob("*.yaml")))
    for index in range(300):
        shutil.copyfile(failing, tmp_path / f"{index:04d}.yaml")
    start = time.monotonic()
    two = run_subprocess("validate", "--jobs", "2", "--fail-fast", str(tmp_path), timeout=120)
    elapsed = time.monotonic() - start
    one = run_subprocess("validate", "--jobs", "1", "--fail-fast", str(tmp_path), timeout=120)
    assert two.exit_code == one.exit_code == 1
    assert two.stdout == one.stdout and two.stderr == one.stderr == ""
    assert two.stdout.splitlines()[-1].startswith("1 file: ")
    assert elapsed < 60


def test_an_output_file_among_the_files_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    for name in ("a.json", "b.json", "c.json"):
        shutil.copyfile(conformant_files()[0], tmp_path / name)
    before = (tmp_path / "b.json").read_bytes()
    outcome = run_cli("validate", "-o", "json", "--output-file", str(tmp_path / "b.json"), str(tmp_path))
    assert outcome.exit_code == 2 and "is one of the files to validate" in outcome.stderr
    assert (tmp_path / "b.json").read_bytes() == before


# -- the pool is fed a bounded window ahead of the results ----------------------------------------


class Counted:
    """``count`` missing files (quick to report: unreadable), counting how many were taken."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.taken = 0

    def __iter__(self) -> Iterator[tuple[Path, str]]:
        for index in range(self.count):
            self.taken += 1
            name = f"missing-{index:05d}.yaml"
            yield Path(name), name


def test_the_pool_is_fed_no_more_than_a_window_ahead_of_the_results(tmp_path: Path) -> None:
    files = Counted(5000)
    window = window_size(2, 16)  # two workers, chunks of 16: what 5,000 files and two jobs give
    with inside(tmp_path):
        results = validate_many(files, default_limits(), 2, count=files.count)
        names = []
        for result in results:
            assert isinstance(result, FileResult)
            names.append(result.path)
            assert files.taken <= len(names) + window  # at most a window ahead of the results received
    assert names == [f"missing-{index:05d}.yaml" for index in range(5000)]


def finishes(action: Iterable[object] | None, stop: bool = False, seconds: float = 60) -> bool:
    """Whether consuming ``action`` (or closing it, with ``stop``) ends within ``seconds``."""

    def run() -> None:
        if stop:
            action.close()  # type: ignore[union-attr]
        else:
            for _ in action or ():
                pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


def test_leaving_early_never_leaves_the_feeder_waiting(tmp_path: Path) -> None:
    with inside(tmp_path):
        files = Counted(5000)
        results = validate_many(files, default_limits(), 2, count=files.count)
        first = next(results)
        assert isinstance(first, FileResult | Bug)
        assert files.taken <= 1 + window_size(2, 16)
        assert finishes(results, stop=True)  # the consumer goes away: the pool is terminated

        files = Counted(5000)
        stopped = validate_many(files, default_limits(), 2, fail_fast=True, count=files.count)
        assert finishes(stopped)  # the first file is unreadable: the run stops there
        assert files.taken <= 1 + window_size(2, 16)


def test_a_list_still_gives_its_own_count() -> None:
    files = [(Path("missing.yaml"), "missing.yaml")]
    assert [r.path for r in validate_many(files, default_limits(), 2)] == ["missing.yaml"]
    with pytest.raises(TypeError):
        next(validate_many(iter(files), default_limits(), 2))


def test_an_export_reads_the_file_where_it_was_validated_not_where_its_name_points(tmp_path: Path) -> None:
    # link/../sub is real/sub to the file system, and sub to os.path.normpath: two different files
    conformant = [p for p in conformant_files() if p.suffix == ".yaml"]
    (tmp_path / "real" / "inner").mkdir(parents=True)
    (tmp_path / "real" / "sub").mkdir()
    (tmp_path / "sub").mkdir()
    shutil.copyfile(conformant[0], tmp_path / "real" / "sub" / "x.yaml")
    shutil.copyfile(conformant[1], tmp_path / "sub" / "x.yaml")
    os.symlink(tmp_path / "real" / "inner", tmp_path / "link", target_is_directory=True)
    with inside(tmp_path):
        assert list(iter_files(["link/../sub"])) == [(Path("link/../sub/x.yaml"), "sub/x.yaml")]
        outcome = run_cli("validate", "-q", "--export", "cyclonedx", "--export-dir", "boms", "link/../sub")
    assert outcome.exit_code == 0, outcome.stderr
    assert "not exported" not in outcome.stderr and "1 export(s) written" in outcome.stderr
