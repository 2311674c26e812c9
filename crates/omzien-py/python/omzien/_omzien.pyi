# The native module's types (src/*.rs); the package's public API is omzien/__init__.py.
from typing import Any, Callable, Optional, Sequence

__version__: str

class Table:
    def __arrow_c_array__(self, requested_schema: Optional[Any] = None) -> tuple[Any, Any]: ...
    def __len__(self) -> int: ...

class Dataset:
    def __len__(self) -> int: ...
    @property
    def waves(self) -> list[int]: ...
    @property
    def age_groups(self) -> list[str]: ...
    @property
    def synthetic(self) -> bool: ...
    @property
    def table(self) -> Optional[str]: ...
    def indicators(self) -> Table: ...
    def areas(self, level: Optional[str] = None, gemeente: Optional[str] = None) -> Table: ...
    def resolve(self, text: str, level: Optional[str] = None) -> str: ...
    def area(
        self, text: str
    ) -> tuple[str, str, str, Optional[str], Optional[str]]: ...
    def search(self, text: str, limit: int = 10) -> Table: ...
    def figures(
        self,
        indicator: Optional[str] = None,
        age: Optional[str] = None,
        wave: Optional[str] = None,
        level: Optional[str] = None,
        gemeente: Optional[str] = None,
        areas: Optional[Sequence[str]] = None,
    ) -> Table: ...
    def trend(
        self,
        from_: str,
        to: str,
        indicator: Optional[str] = None,
        age: Optional[str] = None,
        level: Optional[str] = None,
        gemeente: Optional[str] = None,
        band: float = 2.0,
    ) -> Table: ...
    def risk(
        self,
        indicator: Optional[str] = None,
        age: Optional[str] = None,
        wave: Optional[str] = None,
        level: Optional[str] = None,
        gemeente: Optional[str] = None,
        since: Optional[str] = None,
        mode: Optional[str] = None,
        top_share: float = 0.1,
        min_rise: float = 3.0,
        against: Optional[str] = None,
        min_areas: int = 10,
        by: Optional[str] = None,
        min_prob: float = 0.8,
    ) -> Table: ...
    @property
    def boundary_levels(self) -> list[str]: ...
    @property
    def boundary_notes(self) -> list[str]: ...
    def boundaries(self, level: Optional[str] = None) -> str: ...
    def rollup(
        self,
        from_: str,
        to: str,
        indicator: Optional[str] = None,
        wave: Optional[str] = None,
        age: Optional[str] = None,
        weights: Optional[str] = None,
        groups: Optional[str] = None,
        min_coverage: float = 0.8,
    ) -> tuple[Table, str]: ...
    def layer(
        self,
        indicator: Optional[str] = None,
        age: Optional[str] = None,
        level: Optional[str] = None,
        wave: Optional[str] = None,
        change_from: Optional[str] = None,
        method: Optional[str] = None,
        classes: Optional[int] = None,
    ) -> tuple[str, Table]: ...
    def summary(
        self, indicator: Optional[str] = None, threshold: Optional[float] = None
    ) -> Table: ...
    def compare(
        self,
        area: str,
        with_: Optional[str] = None,
        indicators: Optional[Sequence[str]] = None,
        wave: Optional[str] = None,
        age: Optional[str] = None,
        band: float = 2.0,
        groups: Optional[str] = None,
        weights: Optional[str] = None,
    ) -> tuple[Table, list[Optional[str]]]: ...
    def report(
        self,
        gemeente: str,
        path: str,
        lang: str = "nl",
        level: str = "wijk",
        indicators: Optional[Sequence[str]] = None,
        ages: Optional[Sequence[str]] = None,
        since: Optional[str] = None,
    ) -> int: ...

def load(
    paths: Sequence[str],
    classification: Optional[int] = None,
    boundaries: Optional[Sequence[str]] = None,
) -> Dataset: ...
def demo() -> Dataset: ...

class Prevalence:
    def estimates(self) -> Table: ...
    def summary(self) -> str: ...
    def dataset(self) -> Dataset: ...

def item_columns(mapping: Optional[str] = None) -> list[str]: ...
def score(
    items: list[list[Optional[str]]],
    mapping: Optional[str] = None,
    max_missing: int = 0,
    emotional_from: int = 3,
    social_from: int = 3,
) -> Table: ...
def prevalence(
    path: str,
    mapping: Optional[str] = None,
    min_respondents: Optional[int] = None,
    min_effective_n: Optional[float] = None,
    max_width: Optional[float] = None,
    max_missing: int = 0,
    emotional_from: int = 3,
    social_from: int = 3,
    groups: Optional[str] = None,
    reference: Optional[Dataset] = None,
) -> Prevalence: ...
def synthetic(
    published: Dataset,
    path: str,
    per_buurt: Optional[int] = None,
    seed: Optional[int] = None,
    gemeenten: Optional[Sequence[str]] = None,
) -> int: ...
def fetch(
    table: str,
    out: str,
    ages: Optional[Sequence[str]] = None,
    level: Optional[str] = None,
    gemeente: Optional[str] = None,
    boundaries: bool = True,
    population: bool = False,
    force: bool = False,
    accept_count: bool = False,
    odata: Optional[str] = None,
    pdok: Optional[str] = None,
    pdok_mirror: Optional[str] = None,
    key_figures_feed: Optional[str] = None,
    tries: Optional[int] = None,
    wait: Optional[float] = None,
    progress: Optional[Callable[..., None]] = None,
) -> tuple[
    str, str, str, int, int, int, int, list[tuple[str, int]], Optional[tuple[str, int]]
]: ...
