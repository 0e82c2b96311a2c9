"""The Progress tab and "save this session" through Streamlit's AppTest, on a real history in a temp folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from history_support import record

from vision.history.settings import keep_history, set_keep_history
from vision.history.store import Store

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    d = tmp_path / "data"
    monkeypatch.setenv("CROSSGRAIN_DATA_DIR", str(d))
    return d


@pytest.fixture
def app():
    from streamlit.testing.v1 import AppTest
    return AppTest.from_file(APP, default_timeout=180)


def texts(block) -> str:
    return "\n".join(e.value for kind in ("markdown", "error", "warning", "success", "info", "caption")
                     for e in getattr(block, kind))


def progress(app):
    """The Progress tab (the live tab has no camera under AppTest and says so)."""
    return app.tabs[2]


def seed(data_dir: Path) -> None:
    set_keep_history(True)
    with Store(data_dir / "history.sqlite3") as store:
        for days_ago in range(22, -1, -1):  # three weeks of nightly calf work, pain stuck at 6
            store.save(record(days_ago, "calf_work", 60 + days_ago, foot="left" if days_ago % 2 else "right",
                              pain_before=6, pain_after=5))
        store.save(record(1, "morning_release", 75, hour=7, foot="left"))
        store.save(record(0, "myofascial_hold", 50, foot="right", tingling=True))


def test_progress_tab_shows_history_advice_and_due_today(app, data_dir):
    seed(data_dir)
    app.run()
    assert not app.exception
    assert [t.label for t in app.tabs] == ["Live practice", "Analyse a video", "Progress",
                                           "Compare with a demonstration"]
    tab = progress(app)
    assert tab.error[0].value.startswith("You reported tingling")
    assert any("has not come down over three weeks" in w.value and "physiotherapist or podiatrist" in w.value
               for w in tab.warning)
    page = texts(tab)
    assert "✓ Calf work (the 5-minute rule): done today (23 days in a row)" not in page  # titles from the guide
    assert "Calf work: done today (23 days in a row)" in page
    assert "Morning release: due this morning (1 day in a row)" in page
    tech = app.selectbox(key="progress_technique")
    assert tech.value == "Calf work (the 5-minute rule)" and len(tech.options) == 3
    charts = tab.get("vega_lite_chart")
    assert len(charts) == 3 + 2 + 1  # score, minutes, key figure; two calendars; pain
    feet = next(d.value for d in app.dataframe if "Foot" in d.value.columns)
    calf = feet[feet["Technique"] == "Calf work (the 5-minute rule)"].set_index("Foot")
    assert calf.loc["Left", "Sessions"] + calf.loc["Right", "Sessions"] == 23
    tech.set_value("Myofascial release (hold)").run()
    assert not app.exception


def test_progress_tables_speak_peoples_words(app, data_dir):
    """Both tables (feet, every kept figure): capitalised headers, units in them, a dash for a missing
    figure (these sessions have no pain or rate for some), never "None" or "nan"."""
    seed(data_dir)
    with Store(data_dir / "history.sqlite3") as store:
        store.save(record(0, "calf_work", None))  # a session with no score
    app.run()
    assert not app.exception
    tables = [d.value for d in progress(app).dataframe]
    assert len(tables) == 2
    for table in tables:
        assert all(str(c)[:1].isupper() for c in table.columns), list(table.columns)
        cells = {str(v) for v in table.astype(str).to_numpy().ravel()}
        assert not cells & {"None", "nan", "NaN", "<NA>"}, sorted(cells)
    feet, figures = tables
    assert {"Average score (of 100)", "Time (minutes)"} <= set(feet.columns)
    assert "–" in set(feet["Average score (of 100)"])
    assert {"Score (of 100)", "Duration (s)", "Pain before (of 10)", "Stroke rate (strokes a minute)"} <= set(
        figures.columns)
    assert "–" in set(figures["Pain before (of 10)"]) and "–" in set(figures["Score (of 100)"])
    assert set(figures["Foot"]) <= {"Left", "Right", "Not said"}


def test_keep_history_is_asked_once_and_off_keeps_nothing(app, data_dir):
    app.run()
    assert not app.exception
    question = app.radio(key="keep_ask_progress")
    assert question.value is None and keep_history() is None
    assert not data_dir.exists()  # showing the page writes nothing until the user answers
    assert "No sessions kept" in texts(progress(app))
    question.set_value("No").run()
    assert keep_history() is False
    assert not any(r.key == "keep_ask_progress" for r in app.radio)  # not asked again
    assert app.toggle(key="keep_history_switch").value is False
    assert not (data_dir / "history.sqlite3").exists()
    app.toggle(key="keep_history_switch").set_value(True).run()
    assert keep_history() is True


def test_delete_all_from_the_page(app, data_dir):
    seed(data_dir)
    app.run()
    assert not any(b.key == "delete_all" for b in app.button)  # no delete button until asked for
    app.checkbox(key="delete_all_ok").check().run()
    app.button(key="delete_all").click().run()
    assert not app.exception
    with Store(data_dir / "history.sqlite3") as store:
        assert store.sessions() == []
    assert "No sessions kept yet" in texts(progress(app))


@pytest.mark.slow
def test_save_this_session_after_an_analysis(app, data_dir):
    set_keep_history(True)
    app.run()
    app.button(key="analyse_sample").click().run()
    assert not app.exception
    report = app.session_state["analysis"].report
    app.radio(key="save_foot_upload").set_value("right")
    app.selectbox(key="pain_b_upload").set_value(4)
    app.selectbox(key="pain_a_upload").set_value(2)
    app.checkbox(key="tingling_upload").check()
    next(b for b in app.button if b.label == "Save this session").click().run()
    assert not app.exception
    assert any("Saved to your history (session 1)" in s.value for s in app.success)
    assert any(e.value.startswith("You reported tingling") for e in app.tabs[1].error)
    with Store(data_dir / "history.sqlite3") as store:
        (kept,) = store.sessions(with_frames=True)
    assert (kept.foot, kept.pain_before, kept.pain_after, kept.tingling) == ("right", 4, 2, True)
    assert kept.score == report.coaching["score"] and kept.frames() == report.to_dict()["frames"]
    app.run()  # a rerun does not offer to save the same session twice
    assert not any(b.label == "Save this session" for b in app.button)
