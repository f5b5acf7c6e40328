import json

import numpy as np
import pytest

import keras

from kerasgan import cli


def test_help_lists_commands_and_examples(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "train" in text and "kerasgan train dcgan --data fashion_mnist" in text


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_train_writes_grids_checkpoint_and_resumes(tmp_path):
    data = tmp_path / "tiny.npz"
    rng = np.random.default_rng(0)
    np.savez(data, x=rng.integers(0, 256, (32, 8, 8, 1), dtype=np.uint8))
    out = tmp_path / "run"
    args = ["train", "dcgan", "--data", str(data), "--out", str(out), "--batch-size", "8", "--samples", "4"]
    assert cli.main(args + ["--epochs", "2"]) == 0
    assert sorted(p.name for p in (out / "samples").iterdir()) == ["epoch_001.png", "epoch_002.png"]
    assert json.loads((out / "state.json").read_text())["epochs_done"] == 2
    gan = keras.saving.load_model(out / "gan.keras")
    assert int(gan.g_optimizer.iterations) == 8

    assert cli.main(args + ["--epochs", "3", "--resume"]) == 0
    gan = keras.saving.load_model(out / "gan.keras")
    assert int(gan.g_optimizer.iterations) == 12
    assert (out / "samples" / "epoch_003.png").exists()
    assert len((out / "log.csv").read_text().strip().splitlines()) == 1 + 3


def test_train_reports_bad_data_cleanly(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli.main(["train", "dcgan", "--data", str(empty), "--out", str(tmp_path / "r")]) == 1
    assert "error" in capsys.readouterr().err


def test_evaluate_a_run_folder_with_the_fast_features(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("KERASGAN_CACHE_DIR", str(tmp_path / "cache"))  # the real features are cached there
    data = tmp_path / "tiny.npz"
    rng = np.random.default_rng(0)
    np.savez(data, x=rng.integers(0, 256, (16, 28, 28, 1), dtype=np.uint8))
    out = tmp_path / "run"
    assert cli.main(["train", "gan", "--data", str(data), "--out", str(out), "--batch-size", "8",
                     "--epochs", "1", "--samples", "4"]) == 0
    capsys.readouterr()
    results = tmp_path / "scores.json"
    assert cli.main(["evaluate", str(out), "--data", str(data), "--split", "train", "--features", "fmnist",
                     "-n", "32", "--metrics", "fid,pr", "--json", str(results)]) == 0
    table = capsys.readouterr().out
    assert "FID" in table and "Precision" in table
    scores = json.loads(results.read_text())
    assert scores["fid"] > 0 and 0 <= scores["precision"] <= 1
    assert len(list((tmp_path / "cache" / "features").rglob("*.npz"))) == 1


def test_evaluate_missing_checkpoint_is_a_clear_error(tmp_path, capsys):
    assert cli.main(["evaluate", str(tmp_path / "nothing.keras")]) == 1
    assert "No such checkpoint" in capsys.readouterr().err
