# The native module's types (src/*.rs); the package's public API is omzien/__init__.py.
from os import PathLike
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

def load(paths: Sequence[str | PathLike[str]], classification: Optional[int] = None) -> Dataset: ...
def demo() -> Dataset: ...
