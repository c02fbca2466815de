"""Backups keep the fitted analysis models: after a restore onto a server without them, new
entries still get a run's themes and a run can still start from the last one. Older backups
without models are still restored, and a model that is really gone is refused plainly."""

import json
import shutil
from pathlib import Path

import pytest

from engage.extensions import db
from engage.services.analysis_runs import RunError, get_run, start_run
from engage.services.new_entries import assign_new_entries
from engage.services.run_models import load_model
from tests.factories import make_wish
from tests.workspace_factories import make_consultation_with_wishes, run_analysis


@pytest.fixture
def instance(app, tmp_path, monkeypatch):
    """An instance folder of the test's own, so removing its models touches nothing else."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setattr(app, "instance_path", str(folder))
    return folder


def _invoke(app, *args):
    db.session.remove()
    result = app.test_cli_runner().invoke(args=["engage", *args])
    assert result.exit_code == 0, result.output
    return result


def test_a_restore_brings_the_models_back(app, instance, tmp_path):
    consultation = make_consultation_with_wishes(n=60)
    run_id = run_analysis(consultation).id
    backup_folder = tmp_path / "backup"
    _invoke(app, "backup", "--to", str(backup_folder))
    assert json.loads((backup_folder / "manifest.json").read_text())["models"]

    shutil.rmtree(instance / "analysis_models")  # a new server: the models folder is gone
    _invoke(app, "restore", str(backup_folder), "--yes")

    run = get_run(run_id)
    assert load_model(run.model_file) is not None
    make_wish(run.consultation, text="More frequent buses in the evenings please")
    db.session.commit()
    assert assign_new_entries(run_id) == 1
    db.session.commit()
    second = run_analysis(run.consultation, n_themes=None, keep_themes=True)
    assert second.parameters["start_from_run"] == run_id


def test_a_backup_without_models_is_still_restored_and_leaves_the_models_alone(
    app, instance, tmp_path
):
    consultation = make_consultation_with_wishes(n=60)
    run = run_analysis(consultation)
    backup_folder = tmp_path / "backup"
    _invoke(app, "backup", "--to", str(backup_folder))
    # As a backup made before models were kept: no models archive, no "models" in the manifest.
    manifest = json.loads((backup_folder / "manifest.json").read_text())
    (backup_folder / manifest.pop("models")).unlink()
    (backup_folder / "manifest.json").write_text(json.dumps(manifest))

    _invoke(app, "restore", str(backup_folder), "--yes")
    assert load_model(get_run(run.id).model_file) is not None


def test_a_missing_model_is_refused_plainly(app, instance):
    consultation = make_consultation_with_wishes(n=60)
    run = run_analysis(consultation)
    shutil.rmtree(instance / "analysis_models")

    refusal = "The earlier run's model is not stored: run the analysis afresh"
    with pytest.raises(RunError, match=refusal):
        start_run(consultation, None, None, keep_themes=True)
    db.session.rollback()
    make_wish(consultation, text="More frequent buses in the evenings please")
    db.session.commit()
    with pytest.raises(RunError, match="model is not stored: run the analysis afresh"):
        assign_new_entries(run.id)


def test_a_backup_archives_only_model_files(app, instance, tmp_path):
    models = instance / "analysis_models"
    models.mkdir()
    (models / ("a" * 32 + ".joblib")).write_bytes(b"model")
    (models / "notes.txt").write_text("not a model")
    _invoke(app, "backup", "--to", str(tmp_path / "backup"))
    shutil.rmtree(models)
    _invoke(app, "restore", str(tmp_path / "backup"), "--yes")
    assert sorted(p.name for p in Path(models).iterdir()) == ["a" * 32 + ".joblib"]
