"""``qorgan train``: fit the models that detectors load, from a simulated world's truth."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import typer

from qorgan.core.errors import InvalidInput
from qorgan.telecom.textmodel import train_text_model

app = typer.Typer(help="Fit models from a simulated world's ground truth.", no_args_is_help=True)


@app.command("sms")
def sms(
    world: Annotated[Path, typer.Option(help="A world written by `qorgan simulate`.")],
    out: Annotated[Path, typer.Option(help="The model artefact to write (JSON).")],
    seed: Annotated[int, typer.Option(help="Seeds the calibration folds.")] = 0,
) -> None:
    """The SMS text model for `qorgan screen sms --model`, fitted on the world's SMS truth."""
    started = time.perf_counter()
    truth = world / "truth" / "sms.parquet"
    feed = next((p for p in (world / "sms.parquet", world / "sms.csv") if p.exists()), None)
    if feed is None or not truth.exists():
        raise InvalidInput(f"{world}: needs sms.parquet (or sms.csv) and truth/sms.parquet")
    table = pq.read_table(feed) if feed.suffix == ".parquet" else pcsv.read_csv(feed)
    model = train_text_model(table, pq.read_table(truth), seed=seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    typer.echo(
        f"train sms: read {table.num_rows:,}, rejected 0, produced 1 model, "
        f"{time.perf_counter() - started:.1f} s -> {out}"
    )


@app.command("simboxes")
def simboxes(
    world: Annotated[Path, typer.Option(help="A world written by `qorgan simulate`.")],
    out: Annotated[Path, typer.Option(help="The model artefact to write (JSON).")],
    window: Annotated[str, typer.Option(help="Feature window: hour, day, week or all.")] = "week",
    seed: Annotated[int, typer.Option(help="Seeds LightGBM.")] = 0,
) -> None:
    """The SIM-box model for `qorgan find simboxes --model`, fitted on the world's truth."""
    from qorgan.store.simboxes import train_from_world

    started = time.perf_counter()
    model = train_from_world(world, window, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    typer.echo(
        f"train simboxes: read {model.trained_on['rows']:,} SIM windows "
        f"({model.trained_on['positives']:,} from boxes), rejected 0, produced 1 model, "
        f"{time.perf_counter() - started:.1f} s -> {out}"
    )


@app.command("droppers")
def droppers(
    world: Annotated[Path, typer.Option(help="A world written by `qorgan simulate`.")],
    out: Annotated[Path, typer.Option(help="The model artefact to write (JSON).")],
    window: Annotated[str, typer.Option(help="Feature window: day, week or all.")] = "week",
    seed: Annotated[int, typer.Option(help="Seeds LightGBM.")] = 0,
) -> None:
    """The dropper model for `qorgan find droppers --model`, fitted on the world's truth:
    earlier weeks train, the last week tests, rings never on both sides."""
    from qorgan.store.droppers import train_from_world as train_droppers

    started = time.perf_counter()
    model = train_droppers(world, window, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    held = model.trained_on["held_out"]
    typer.echo(
        f"train droppers: read {model.trained_on['rows']:,} account windows "
        f"({model.trained_on['positives']:,} of droppers), rejected 0, produced 1 model, "
        f"held-out precision {held['precision']:.3f} recall {held['recall']:.3f} "
        f"PR-AUC {held['pr_auc']:.3f}, {time.perf_counter() - started:.1f} s -> {out}"
    )
