# The native module's types (src/*.rs); the package's public API is omzien/__init__.py.
from typing import Any, Optional, Sequence

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
