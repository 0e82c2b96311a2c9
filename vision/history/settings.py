"""Whether the user wants history kept on this computer: asked once, changeable.

A tiny JSON file beside the database (it holds no session data, so it may exist while
history is off). ``keep_history`` is None until the user has answered.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .store import data_dir

SETTINGS_NAME = "settings.json"


def settings_path() -> Path:
    return data_dir() / SETTINGS_NAME


def keep_history() -> bool | None:
    """True or False once answered; None when never asked (or the file is unreadable)."""
    try:
        value = json.loads(settings_path().read_text()).get("keep_history")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, bool) else None


def set_keep_history(keep: bool) -> None:
    """Write the answer atomically (a temporary file renamed over the old one)."""
    path = settings_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w") as f:
        json.dump({"keep_history": bool(keep)}, f)
    os.replace(tmp, path)
