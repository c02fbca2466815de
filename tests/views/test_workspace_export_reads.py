"""Downloads of a large run keep pace with its size: the assignments CSV leaves at once and in
pieces of many rows (not a write to the network per row), and an export asks the database the
same few questions however many entries the run has (a query per chunk of 2,000 assignments,
and lists of 500 ids for their texts, references and mentions, made a run of 50,000 entries
take longer to export than a request may last)."""

import pytest

from engage.services import theme_exports
from engage.services.theme_exports import ASSIGNMENT_COLUMNS
from tests.views.test_workspace_export_output import run  # noqa: F401


def test_the_csv_leaves_at_once_and_in_pieces_of_many_rows(client, team, run, statements):  # noqa: F811
    sent, _ = statements
    response = client.get(f"/staff/workspace/runs/{run.id}/assignments.csv", buffered=False)
    pieces = iter(response.response)
    first = next(pieces)
    assert first.decode("utf-8") == "\ufeff" + ",".join(ASSIGNMENT_COLUMNS) + "\r\n"
    assert not any("wishes" in statement for statement in sent), "no entry read yet"
    rest = list(pieces)
    response.close()
    # The run's 17 entries in one piece: a write to the network per row was 17 of them.
    assert len(rest) == 1 and rest[0].decode("utf-8").count("W-TEST-") == 14


@pytest.mark.parametrize("download", ["assignments.csv", "themes.xlsx"])
def test_an_export_asks_the_same_questions_however_long_the_run(
    client,
    team,
    run,  # noqa: F811
    statements,
    monkeypatch,
    download,
):
    sent, _ = statements
    url = f"/staff/workspace/runs/{run.id}/{download}"
    counts = []
    # The run's 17 entries read 2,000 at a time, then 3 at a time (six times as many chunks).
    for chunk in (2000, 3):
        monkeypatch.setattr(theme_exports, "CHUNK", chunk)
        sent.clear()
        response = client.get(url)
        assert response.status_code == 200 and response.data  # a CSV is read as it is sent
        counts.append(sum(sent.values()))
    assert counts[0] == counts[1], counts
