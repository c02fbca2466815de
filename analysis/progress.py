"""Progress bars for long runs (tqdm, only when asked for)."""

from __future__ import annotations


def progress(iterable, enabled: bool, **kwargs):
    if not enabled:
        return iterable
    from tqdm.auto import tqdm

    return tqdm(iterable, **kwargs)


class Stages:
    """A progress bar over the fitting stages (preprocessing has its own, per entry)."""

    def __init__(self, enabled: bool):
        self.bar = None
        if enabled:
            from tqdm.auto import tqdm

            self.bar = tqdm(total=4, desc="themes", bar_format="{desc}: {n}/{total} {bar}")

    def next(self, name: str) -> None:
        """Enter stage ``name``: the stages before it are done."""
        if self.bar is not None:
            self.bar.update(0 if self.bar.n == 0 and name == "representing" else 1)
            # set_description would add a second ": " to the one bar_format puts after it.
            self.bar.set_description_str(name)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()
