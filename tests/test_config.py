from pathlib import Path

import pytest

from dutyboard.config import Config, ConfigError, load_config

REPO = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_in_the_repo_loads() -> None:
    config = load_config(REPO / "config" / "example.toml")
    assert config.timezone == "Asia/Shanghai"
    assert "Asia/Colombo" in config.clocks


def test_missing_default_file_means_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DUTYBOARD_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_config() == Config(user=load_config().user)


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[desk]\nnmae = 'x'\n", r"unknown key desk\.nmae"),
        ("[dsk]\nname = 'x'\n", r"unknown section \[dsk\]"),
        ("[desk]\ntimezone = 'Mars/Base'\n", r"desk\.timezone: 'Mars/Base' is not a known IANA"),
        ("[desk]\nlang = 'fr'\n", r"desk\.lang: 'fr' is not a supported language"),
        ("[display]\nstale_after_hours = -1\n", r"display\.stale_after_hours"),
        ("[display]\nstale_after_hours = nan\n", r"display\.stale_after_hours: must be a"),
        ("[display]\nstale_after_hours = inf\n", r"display\.stale_after_hours: must be a"),
        ("[arrivals]\nhours = 1e308\n", r"arrivals\.hours: must be a number of hours between"),
        ("[display]\nexport_dir = ''\n", r"display\.export_dir: must be a folder"),
        ("[limits]\nmax_rows = -5\n", r"limits\.max_rows: must be at least 1"),
        ("[limits]\nmax_seconds = nan\n", r"limits\.max_seconds"),
        ("[limits]\nmax_cels = 5\n", r"max_cels"),
        ("[contacts]\nnight_start = '25:00'\n", r"contacts\.night_start"),
        ("[desk\n", "not valid TOML"),
        ("[desk]\nphone_region = 'XX'\n", r"desk\.phone_region: must be a two-letter country"),
        ("[desk]\nphone_region = 86\n", r"desk\.phone_region: must be a two-letter country"),
        ("[display]\ntheme = ''\n", r"display\.theme: must be a theme name"),
        ("keys = 'n'\n", r"\[keys\] must be a table"),
        ("[keys]\n'panel.new' = ''\n", r"keys\.panel\.new: must be keys such as"),
        ("[keys]\n'panel.new' = 'ctrl + n'\n", r"'ctrl \+ n' is not a key name"),
        ("[keys]\n'panel.new' = 7\n", r"keys\.panel\.new: must be keys"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        load_config(write(tmp_path, text))
    assert "\n" not in str(info.value).strip()


def test_env_var_points_at_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "[desk]\nname = '侨联 24h desk'\nuser = 'Li Na'\n")
    monkeypatch.setenv("DUTYBOARD_CONFIG", str(path))
    config = load_config()
    assert (config.desk_name, config.user) == ("侨联 24h desk", "Li Na")


def test_export_dir_defaults_to_the_user_data_dir_and_can_be_set(tmp_path: Path) -> None:
    from dutyboard.paths import default_export_dir

    assert Config().export_dir == default_export_dir()
    assert default_export_dir().name == "exports"
    path = tmp_path / "c.toml"
    path.write_text("[display]\nexport_dir = '~/desk-exports'\n", encoding="utf-8")
    assert load_config(path).export_dir == Path("~/desk-exports").expanduser()


def test_limits_from_the_config(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[limits]\nmax_rows = 500\nmax_unpacked_bytes = '64 MiB'\n", encoding="utf-8")
    from dutyboard.config import reader_limits

    limits = reader_limits(load_config(path))
    assert limits.max_rows == 500 and limits.max_unpacked_bytes == 64 * 1024 * 1024
    assert reader_limits(Config()).max_columns == 5_000  # the defaults otherwise


def test_keys_and_theme_from_the_config(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            "[display]\ntheme = 'nord'\n[keys]\n'panel.new' = ' ctrl+n , f2 '\n'app.help' = '?'\n",
        )
    )
    assert config.theme == "nord"
    # Spaces around the commas go; the dashboard checks the ids against its bindings.
    assert config.keys == (("panel.new", "ctrl+n,f2"), ("app.help", "?"))
    assert Config().keys == () and Config().theme is None


def test_phone_numbers_read_in_the_desks_country_unless_told(tmp_path: Path) -> None:
    """desk.phone_region, else the country of the desk's zone, else none (UTC)."""
    told = load_config(write(tmp_path, "[desk]\nphone_region = 'lk'\n"))
    assert told.desk_phone_region == "LK"
    bhutan = load_config(write(tmp_path, "[desk]\ntimezone = 'Asia/Thimphu'\n"))
    assert bhutan.desk_phone_region == "BT"
    assert Config(timezone="UTC").desk_phone_region is None
