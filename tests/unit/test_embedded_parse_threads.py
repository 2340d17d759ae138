"""The embedded fast pool (one parse child per thread) follows the machine's cores, plus one."""

from pathlib import Path

from invoicepipe.config import MAX_DEFAULT_FAST_THREADS, Settings, default_fast_threads, usable_cores


def test_one_parse_thread_per_core_and_one_more_within_bounds():
    # the extra child parses while another thread records its result in the worker process
    assert default_fast_threads(1) == 2
    assert default_fast_threads(2) == 3
    assert default_fast_threads(6) == 7
    assert default_fast_threads(64) == MAX_DEFAULT_FAST_THREADS  # each child holds its own memory


def test_settings_default_follows_this_machine_and_the_variable_overrides(tmp_path: Path):
    kw = dict(var_dir=tmp_path, inbox_dir=tmp_path / "inbox", database_url=f"sqlite:///{tmp_path / 'x.db'}", redis_url=None)
    assert Settings.from_env({}, **kw).fast_threads == default_fast_threads(usable_cores())
    assert Settings.from_env({"INVOICEPIPE_FAST_THREADS": "3"}, **kw).fast_threads == 3
