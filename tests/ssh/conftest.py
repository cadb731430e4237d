"""A real OpenSSH server on 127.0.0.1 with forced-command keys, as docs/ssh.md sets it up.

The server runs for the whole session from a private config in a temporary folder (its
own host key, ``authorized_keys``, pid file and a free port); nothing outside that folder
is touched except ``/run/sshd``, the privilege-separation folder sshd insists on. When
sshd is missing and we are root, openssh-server is installed with apt-get (CI, fresh
machines); otherwise the tests fail with what to install. They are never skipped.
"""

from __future__ import annotations

import getpass
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dutyboard.demo import build_demo

SSHD = Path("/usr/sbin/sshd")
START_TIMEOUT = 15.0


def _install(packages: list[str]) -> None:
    """apt-get install, as root only; fail with what is missing otherwise."""
    if os.geteuid() != 0:
        pytest.fail(
            f"these tests need {', '.join(packages)}: install them "
            "(e.g. sudo apt-get install openssh-server openssh-client tmux) or run as root"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", *packages],
    ):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if result.returncode != 0:
            pytest.fail(f"{' '.join(command)} failed: {result.stderr.strip()[-2000:]}")


def ensure_tools() -> None:
    missing = []
    if not SSHD.exists():
        missing.append("openssh-server")
    if not (shutil.which("ssh") and shutil.which("ssh-keygen")):
        missing.append("openssh-client")
    if not shutil.which("tmux"):
        missing.append("tmux")
    if missing:
        _install(missing)
    assert SSHD.exists(), f"{SSHD} is still missing after installing openssh-server"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def dutyboard_command() -> list[str]:
    """The repository's own dutyboard, by absolute path (sshd runs it with a bare PATH)."""
    script = Path(sys.executable).parent / "dutyboard"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "dutyboard"]


def keygen(path: Path, comment: str) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return path


def forced(options: str, command: list[str], key: Path) -> str:
    """One authorized_keys line: ``options,command="…" <public key>``."""
    line = shlex.join(command).replace("\\", "\\\\").replace('"', '\\"')
    return f'{options},command="{line}" {key.with_suffix(".pub").read_text().strip()}'


@dataclass(frozen=True)
class SshServer:
    port: int
    forcecommand_port: int  # where `Match LocalPort` applies ForceCommand (docs/ssh.md)
    user: str
    home: Path
    db: Path
    config: Path
    status_key: Path  # restrict,command="dutyboard status …"
    leader_key: Path  # restrict,pty,command="… dutyboard --role leader …"
    plain_key: Path  # no options: accepted only on forcecommand_port
    status_command: list[str]
    leader_command: list[str]

    def ssh_args(self, key: Path, *options: str, port: int | None = None) -> list[str]:
        """The ssh client, isolated from the user's config, agent and known hosts.

        ``options`` come first: for a repeated ``-o`` the first value wins in ssh.
        """
        return [
            "ssh",
            *options,
            "-F",
            "/dev/null",
            "-i",
            str(key),
            "-p",
            str(port or self.port),
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            "UserKnownHostsFile=/dev/null",
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "IdentityAgent=none",
            "-o",
            "LogLevel=ERROR",
            "-o",
            "ConnectTimeout=10",
            f"{self.user}@127.0.0.1",
        ]

    def run(
        self,
        key: Path,
        *remote: str,
        options: tuple[str, ...] = (),
        port: int | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.ssh_args(key, *options, port=port), *remote],
            capture_output=True,
            text=True,
            encoding="utf-8",
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )


def _wait_for_banner(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"sshd exited with {proc.returncode}: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(64).startswith(b"SSH-"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    pytest.fail(f"sshd did not accept connections within {START_TIMEOUT:.0f}s: {log.read_text()}")


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    ensure_tools()
    home = tmp_path_factory.mktemp("sshd")
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege separation
    db = home / "desk.db"
    build_demo(db, officer="Zhang Wei")
    config = home / "dutyboard.toml"
    config.write_text('[desk]\nname = "SSH test desk"\ntimezone = "Asia/Shanghai"\n')
    keygen(home / "host_key", "host")
    status_key = keygen(home / "status_key", "leader-status")
    leader_key = keygen(home / "leader_key", "leader-tui")
    plain_key = keygen(home / "plain_key", "leader-forcecommand")
    base = [*dutyboard_command()]
    status_command = [*base, "status", "--ssh-options", "--db", str(db), "--config", str(config)]
    leader_command = [
        "env",
        "TEXTUAL_ANIMATIONS=none",
        *base,
        "--role",
        "leader",
        "--db",
        str(db),
        "--config",
        str(config),
    ]
    authorized = home / "authorized_keys"
    authorized.write_text(
        forced("restrict", status_command, status_key)
        + "\n"
        + forced("restrict,pty", leader_command, leader_key)
        + "\n"
    )
    authorized.chmod(0o600)
    # The Match/ForceCommand layout: plain keys, the server decides what runs.
    match_keys = home / "authorized_keys_forcecommand"
    match_keys.write_text(plain_key.with_suffix(".pub").read_text())
    match_keys.chmod(0o600)
    wrapper = home / "dutyboard-leader"
    wrapper.write_text(
        "#!/bin/sh\n"
        "# ForceCommand for leaders: looks at what the client asked for, never runs it.\n"
        f"DUTYBOARD={shlex.quote(shlex.join(base))}\n"
        f"DB={shlex.quote(str(db))}\n"
        f"CONFIG={shlex.quote(str(config))}\n"
        'if [ -z "$SSH_ORIGINAL_COMMAND" ]; then\n'
        '    TEXTUAL_ANIMATIONS=none exec $DUTYBOARD --role leader --db "$DB" --config "$CONFIG"\n'
        "fi\n"
        'exec $DUTYBOARD status --ssh-options --db "$DB" --config "$CONFIG"\n'
    )
    wrapper.chmod(0o755)
    user = getpass.getuser()
    log = home / "sshd.log"
    proc: subprocess.Popen[bytes] | None = None
    for _attempt in range(3):  # a free port can be taken between finding and binding it
        port, forcecommand_port = free_port(), free_port()
        sshd_config = home / "sshd_config"
        sshd_config.write_text(
            f"""\
Port {port}
Port {forcecommand_port}
ListenAddress 127.0.0.1
HostKey {home / "host_key"}
PidFile {home / "sshd.pid"}
AuthorizedKeysFile {authorized}
AllowUsers {user}
StrictModes no
UsePAM no
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
# Forwarding is allowed server-wide on purpose: the tests show `restrict` refuses it.
AllowTcpForwarding yes
X11Forwarding no
# As on a stock server; a forced command must win over it.
Subsystem sftp internal-sftp
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
# Keep the forced commands from writing bytecode into the repository.
SetEnv PYTHONDONTWRITEBYTECODE=1

Match LocalPort {forcecommand_port}
    AuthorizedKeysFile {match_keys}
    ForceCommand {wrapper}
    AllowTcpForwarding no
    AllowStreamLocalForwarding no
    AllowAgentForwarding no
    X11Forwarding no
    PermitTunnel no
    PermitUserRC no
"""
        )
        checked = subprocess.run(
            [str(SSHD), "-t", "-f", str(sshd_config)], capture_output=True, text=True, timeout=30
        )
        assert checked.returncode == 0, f"sshd -t rejected the config: {checked.stderr}"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [str(SSHD), "-D", "-e", "-f", str(sshd_config)],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        try:
            _wait_for_banner(port, proc, log)
            _wait_for_banner(forcecommand_port, proc, log)
            break
        except pytest.fail.Exception:
            proc.kill()
            proc.wait(timeout=10)
            if "Address already in use" not in log.read_text() or _attempt == 2:
                raise
    assert proc is not None
    try:
        yield SshServer(
            port=port,
            forcecommand_port=forcecommand_port,
            user=user,
            home=home,
            db=db,
            config=config,
            status_key=status_key,
            leader_key=leader_key,
            plain_key=plain_key,
            status_command=status_command,
            leader_command=leader_command,
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
