"""How fast the strategy workspace's pages render for a run over 100,000 entries.

    .venv/bin/python benchmarks/workspace_pages.py [--entries 100000] [--themes 40] [--repeat 10]

Builds a throwaway SQLite database (or uses DATABASE_URL, e.g. a PostgreSQL), adds the
entries with bulk inserts (submissions, wishes, "about you" details), then a finished run
whose themes, assignments and theme mentions (four entries in ten raise a further theme)
are written the same way (the analysis itself is not timed
here: see benchmarks/analysis_speed.py), and asks for the pages as a signed-in member of the
strategy team. Prints the median and slowest render of each page, in milliseconds, against
the target of 300 ms; then the run's downloads (--export-repeat times each), in seconds
against the 30 s after which a front server or WSGI worker usually cuts a request, with the
time to the first byte of each (a CSV streams: its first rows leave before its last are read).

    .venv/bin/python benchmarks/workspace_pages.py --entries 50000 --repeat 0   # downloads only
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_MS = 300
TIMEOUT_S = 30


def _config(url: str, instance: str):
    from config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url
        UPLOAD_FOLDER = str(Path(instance) / "uploads")

    return Config


def _fill(n_entries: int, n_themes: int, rng: random.Random):
    from sqlalchemy import insert, select

    from engage.demo import demo_wish
    from engage.extensions import db
    from engage.models import (
        AnalysisRun,
        Consultation,
        RespondentDetails,
        RunTheme,
        Submission,
        ThemeAssignment,
        ThemeMention,
        Wish,
    )
    from engage.services.consultations import upsert_area
    from engage.services.workspace_entries import week_of

    now = datetime.now(UTC)
    consultation = Consultation(
        slug="bench",
        title="Benchmark",
        place_name="Derby",
        opens_at=now - timedelta(days=70),
        closes_at=now + timedelta(days=1),
    )
    consultation.areas = [upsert_area(f"E{i:08d}", f"Area {i}", [f"DE{i + 1}"]) for i in range(12)]
    db.session.add(consultation)
    db.session.commit()
    areas = [a.id for a in consultation.areas] + [None]
    bands = ["16_24", "25_34", "35_44", "45_54", "55_64", "65_74", "75_plus", None]
    channels = ["online", "paper_card", "wish_tree", "workshop"]
    texts = [demo_wish(rng) for _ in range(2000)]
    rows, wishes, details = [], [], []
    for i in range(n_entries):
        received = consultation.opens_at + timedelta(minutes=rng.randint(0, 69 * 24 * 60))
        rows.append(
            {
                "id": i + 1,
                "consultation_id": consultation.id,
                "channel": rng.choice(channels),
                "received_at": received,
                "reference": f"W-{i:08d}",
                "area_id": rng.choice(areas),
            }
        )
        wishes.append(
            {
                "id": i + 1,
                "submission_id": i + 1,
                "position": 1,
                "text": rng.choice(texts),
                "search_key": "",
                "status": "approved",
                "created_at": received,
            }
        )
        band = rng.choice(bands)
        if band:
            details.append(
                {
                    "submission_id": i + 1,
                    "age_band": band,
                    "email_consent": False,
                    "created_at": received,
                }
            )
    for table, values in ((Submission, rows), (Wish, wishes), (RespondentDetails, details)):
        for start in range(0, len(values), 10_000):
            db.session.execute(insert(table), values[start : start + 10_000])
    db.session.commit()

    run = AnalysisRun(
        consultation=consultation,
        parameters={"n_themes": n_themes},
        library_version="bench",
        status="done",
        n_entries=n_entries,
        started_at=now,
        finished_at=now,
    )
    db.session.add(run)
    db.session.flush()
    weights = [1 / (k + 1) for k in range(n_themes)]
    chosen = [rng.choices(range(n_themes), weights)[0] for _ in range(n_entries)]
    members: dict[int, list[int]] = {}
    for i, k in enumerate(chosen):
        members.setdefault(k, []).append(i + 1)
    themes = []
    for k in range(n_themes):
        # As the analysis gives them: representatives are members of their theme.
        reps = [["wish", e] for e in members.get(k, [])[:5]]
        themes.append(
            RunTheme(
                run=run,
                number=k + 1,
                label=f"Theme {k + 1}",
                found_label="",
                keywords=["buses", "parks", "youth", "safety"],
                representatives=reps,
                framework=[],
                model_theme=k,
            )
        )
    db.session.add_all(themes)
    db.session.flush()
    ids = [t.id for t in themes]
    assignments = []
    for i in range(n_entries):
        theme_id = ids[chosen[i]]
        assignments.append(
            {
                "run_id": run.id,
                "entry_type": "wish",
                "entry_id": i + 1,
                "theme_id": theme_id,
                "score": round(rng.random(), 4),
                "terms": "buses",
                "moved_by_team": False,
                "not_relevant": False,
                "added_later": False,
                "area_id": rows[i]["area_id"],
                "channel": rows[i]["channel"],
                "age_band": None,
                "week": week_of(rows[i]["received_at"]),
            }
        )
    band_of = {d["submission_id"]: d["age_band"] for d in details}
    for a in assignments:
        a["age_band"] = band_of.get(a["entry_id"])
    for start in range(0, len(assignments), 10_000):
        db.session.execute(insert(ThemeAssignment), assignments[start : start + 10_000])
    # Entries that raise further themes: four in ten, one or two each, as on larger runs.
    mentions = []
    for assignment_id, entry_id in db.session.execute(
        select(ThemeAssignment.id, ThemeAssignment.entry_id).where(ThemeAssignment.run_id == run.id)
    ):
        if rng.random() < 0.4:
            others = rng.sample([k for k in range(n_themes) if k != chosen[entry_id - 1]], 2)
            for k in others[: rng.randint(1, 2)]:
                mentions.append(
                    {
                        "run_id": run.id,
                        "assignment_id": assignment_id,
                        "theme_id": ids[k],
                        "score": round(rng.random(), 4),
                    }
                )
    for start in range(0, len(mentions), 10_000):
        db.session.execute(insert(ThemeMention), mentions[start : start + 10_000])
    from engage.services.analysis_runs import refresh_sizes

    refresh_sizes(run)
    db.session.commit()
    return run.id, db.session.scalar(select(RunTheme.id).where(RunTheme.run_id == run.id).limit(1))


def _sign_in(client):
    import pyotp

    from engage.extensions import db
    from engage.models import Role
    from engage.services.auth import create_user

    password = "correct horse battery staple"  # noqa: S105 - a throwaway benchmark account
    user = create_user("bench@example.org", "Bench", Role.STRATEGY, password)
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    import re

    def token(html):
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    page = client.get("/staff/sign-in")
    client.post(
        "/staff/sign-in",
        data={"csrf_token": token(page.text), "email": user.email, "password": password},
    )
    page = client.get("/staff/sign-in/code")
    response = client.post(
        "/staff/sign-in/code",
        data={"csrf_token": token(page.text), "code": pyotp.TOTP(user.totp_secret).now()},
    )
    assert response.status_code == 303, response.status_code


def _time(client, url: str, repeat: int) -> list[float]:
    response = client.get(url)  # warm: templates compiled, caches filled
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        times.append(1000 * (time.perf_counter() - start))
        assert response.status_code == 200
    return times


def _download(client, url: str) -> tuple[float, float]:
    """Seconds to the first byte of a download and to its last."""
    start = time.perf_counter()
    response = client.get(url, buffered=False)
    assert response.status_code == 200, (url, response.status_code)
    first, size = None, 0
    for chunk in response.response:
        first = first or time.perf_counter()
        size += len(chunk)
    response.close()
    assert size, url
    end = time.perf_counter()
    return (first or end) - start, end - start


def _time_downloads(client, base: str, repeat: int) -> None:
    downloads = {
        "themes CSV": f"{base}/themes.csv",
        "assignments CSV": f"{base}/assignments.csv",
        "workbook (XLSX)": f"{base}/themes.xlsx",
    }
    print(f"{'download':32} {'first byte s':>12} {'median s':>9} {'slowest s':>10} {'vs 30 s':>8}")
    for name, url in downloads.items():
        times = [_download(client, url) for _ in range(repeat)]
        first = statistics.median(t[0] for t in times)
        median = statistics.median(t[1] for t in times)
        slowest = max(t[1] for t in times)
        print(f"{name:32} {first:12.2f} {median:9.2f} {slowest:10.2f} {median / TIMEOUT_S:7.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--themes", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--export-repeat", type=int, default=3)
    args = parser.parse_args()
    from flask_migrate import upgrade

    from engage import create_app
    from engage.extensions import db

    with tempfile.TemporaryDirectory() as folder:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
        app = create_app(_config(url, folder))
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            run_id, theme_id = _fill(args.entries, args.themes, random.Random(0))
            print(
                f"database: {db.engine.dialect.name}; {args.entries:,} entries and their run "
                f"written in {time.perf_counter() - start:.1f} s"
            )
        client = app.test_client()
        with app.app_context():
            _sign_in(client)
        base = f"/staff/workspace/runs/{run_id}"
        pages = {
            "themes page": f"{base}/themes",
            "breakdown by area": f"{base}/breakdowns/area",
            "breakdown by age band": f"{base}/breakdowns/age-band",
            "breakdown by deprivation": f"{base}/breakdowns/deprivation",
            "a theme's page (50 entries)": f"{base}/themes/{theme_id}",
            "report (all breakdowns)": f"{base}/report",
        }
        if args.repeat:
            print(f"{'page':32} {'median ms':>10} {'slowest ms':>11} {'vs 300 ms':>10}")
        for name, url in pages.items() if args.repeat else ():
            times = _time(client, url, args.repeat)
            median = statistics.median(times)
            print(f"{name:32} {median:10.0f} {max(times):11.0f} {median / TARGET_MS:9.2f}x")
        if args.export_repeat:
            _time_downloads(client, base, args.export_repeat)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
