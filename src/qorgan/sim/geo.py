"""Regions, cells and banks of the synthetic country (real names, synthetic cells)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from qorgan.sim.ids import KZ_MCC, OPERATORS


@dataclass(frozen=True, slots=True)
class Region:
    """A region (oblast or city of republican status) with its population weight."""

    slug: str
    name: str
    weight: float
    lat: float
    lon: float
    fixed_code: int  # area code of its fixed lines (digits after +7)


REGIONS: tuple[Region, ...] = (
    Region("almaty_city", "Almaty", 0.11, 43.24, 76.89, 727),
    Region("astana", "Astana", 0.07, 51.17, 71.43, 7172),
    Region("shymkent", "Shymkent", 0.06, 42.34, 69.59, 7252),
    Region("almaty", "Almaty Region", 0.08, 44.85, 78.38, 7282),
    Region("turkistan", "Turkistan Region", 0.11, 43.30, 68.25, 7253),
    Region("karaganda", "Karaganda Region", 0.06, 49.80, 73.10, 7212),
    Region("east", "East Kazakhstan", 0.04, 49.95, 82.61, 7232),
    Region("zhambyl", "Zhambyl Region", 0.06, 42.90, 71.37, 7262),
    Region("aktobe", "Aktobe Region", 0.05, 50.28, 57.17, 7132),
    Region("atyrau", "Atyrau Region", 0.04, 47.09, 51.92, 7122),
    Region("mangystau", "Mangystau Region", 0.04, 43.65, 51.16, 7292),
    Region("kostanay", "Kostanay Region", 0.04, 53.21, 63.62, 7142),
    Region("pavlodar", "Pavlodar Region", 0.04, 52.29, 76.95, 7182),
    Region("kyzylorda", "Kyzylorda Region", 0.04, 44.85, 65.51, 7242),
    Region("west", "West Kazakhstan", 0.03, 51.23, 51.37, 7112),
    Region("north", "North Kazakhstan", 0.03, 54.87, 69.15, 7152),
    Region("akmola", "Akmola Region", 0.04, 53.28, 69.39, 7162),
    Region("abai", "Abai Region", 0.03, 50.41, 80.25, 7222),
    Region("zhetysu", "Zhetysu Region", 0.03, 45.02, 78.37, 7282),
    Region("ulytau", "Ulytau Region", 0.01, 47.78, 67.71, 7102),
)


@dataclass(frozen=True, slots=True)
class Bank:
    """A Kazakh bank: short name, IBAN bank code (schwifty's registry), market share."""

    slug: str
    name: str
    code: str
    share: float


BANKS: tuple[Bank, ...] = (
    Bank("kaspi", "Kaspi Bank", "722", 0.42),
    Bank("halyk", "Halyk Bank", "601", 0.20),
    Bank("bcc", "Bank CenterCredit", "856", 0.08),
    Bank("forte", "ForteBank", "965", 0.07),
    Bank("jusan", "Jusan Bank", "998", 0.05),
    Bank("bereke", "Bereke Bank", "914", 0.04),
    Bank("homecredit", "Home Credit Bank", "886", 0.04),
    Bank("freedom", "Freedom Bank", "551", 0.04),
    Bank("eurasian", "Eurasian Bank", "948", 0.03),
    Bank("otbasy", "Otbasy Bank", "972", 0.02),
    Bank("nurbank", "Nurbank", "849", 0.01),
)


@dataclass(frozen=True)
class CellPlan:
    """Every operator's cells: region of each cell and the id of each cell as text.

    Cells are numbered per operator and region; ``first[op][region]`` is the index of the
    first cell of that operator in that region in the global arrays.
    """

    region: np.ndarray  # int16 region index per cell
    operator: np.ndarray  # int8 operator index per cell
    cell_id: list[str]
    first: np.ndarray  # shape (operators, regions)
    count: np.ndarray  # shape (operators, regions)

    def table(self, rng: np.random.Generator) -> pa.Table:
        """The cells as a truth table (cell_id, operator, region, lat, lon)."""
        lat = np.array([REGIONS[r].lat for r in self.region]) + rng.normal(
            0, 0.08, len(self.region)
        )
        lon = np.array([REGIONS[r].lon for r in self.region]) + rng.normal(
            0, 0.12, len(self.region)
        )
        return pa.table(
            {
                "cell_id": self.cell_id,
                "operator": [OPERATORS[o].slug for o in self.operator],
                "region": [REGIONS[r].slug for r in self.region],
                "lat": np.round(lat, 5),
                "lon": np.round(lon, 5),
            }
        )


def plan_cells(subscribers: int) -> CellPlan:
    """Cells per operator and region: roughly one cell per 600 subscribers, at least 4."""
    regions: list[int] = []
    operators: list[int] = []
    ids: list[str] = []
    first = np.zeros((len(OPERATORS), len(REGIONS)), dtype=np.int64)
    count = np.zeros_like(first)
    for o, op in enumerate(OPERATORS):
        for r, reg in enumerate(REGIONS):
            n = max(4, int(subscribers * op.share * reg.weight / 600))
            first[o, r] = len(ids)
            count[o, r] = n
            lac = 1000 + r * 10 + o
            ids.extend(f"{KZ_MCC}-{op.mnc}-{lac}-{10_000 + c}" for c in range(n))
            regions.extend([r] * n)
            operators.extend([o] * n)
    return CellPlan(
        np.asarray(regions, dtype=np.int16),
        np.asarray(operators, dtype=np.int8),
        ids,
        first,
        count,
    )
