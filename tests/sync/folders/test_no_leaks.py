"""Refusals say nothing about what lies outside the district's folder: whether a path exists,
is a folder, or holds CSV files, the sentence is the same."""

from __future__ import annotations

import pytest

from .conftest import through_engine, through_page


def _probes(drop, tmp_path) -> dict[str, str]:
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file.csv").write_text("sourcedId\n")
    return {
        "a folder holding a OneRoster set": str(drop.outside),
        "a folder holding nothing": str(tmp_path / "empty"),
        "a file": str(tmp_path / "a-file.csv"),
        "nothing at all": str(tmp_path / "missing"),
        "nothing, inside oak's folder": str(drop.oak / "missing"),
        "oak's folder": str(drop.oak),
        "a system folder": "/etc",
    }


@pytest.mark.parametrize("channel", ["page", "engine"])
def test_every_path_outside_the_districts_folder_gets_the_same_sentence(
    client, world, district_admin, drop, tmp_path, channel
):
    answers = set()
    for folder in _probes(drop, tmp_path).values():
        if channel == "page":
            message = through_page(client, district_admin, folder)
        else:
            message = through_engine(world.district, folder)
        answers.add(message.replace(folder, "<folder>"))

    assert answers == {
        f"<folder> is not your district's SIS folder. Give {drop.maple} or a folder inside it."
    }
