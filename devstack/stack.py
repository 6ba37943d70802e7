"""The whole local stack, as `make run` starts it.

DynamoDB Local (or moto's DynamoDB without Java) + moto + `chalice local` + the
static web server, with demo data, until Ctrl-C / SIGTERM. State lives in the
local directory (`.local/` by default), so a second run keeps the data.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from collections.abc import Callable

from devstack import moto_state
from devstack.processes import (
    HOST,
    REPO_ROOT,
    ManagedProcess,
    PortBusyError,
    ServiceStartError,
    dynamodb_local_unavailable_reason,
    ensure_port_free,
    start_chalice_local,
    launch_dynamodb_local,
    start_moto,
    wait_for_dynamodb_local,
)
from devstack.resources import LocalResources, ensure_resources
from devstack.webserver import WebServer, make_web_server
from datetime import UTC

logger = logging.getLogger("emotipal.devstack")

REGION = "eu-west-2"
TABLE_NAME = "emotipal-local"
EXPORTS_BUCKET = "emotipal-local-exports"
SES_SENDER = "no-reply@emotipal.test"



@dataclass(frozen=True)
class StackConfig:
    api_port: int
    web_port: int
    moto_port: int
    dynamodb_port: int
    local_dir: Path

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> StackConfig:
        environ = dict(os.environ if environ is None else environ)

        def port(name: str, default: int) -> int:
            raw = environ.get(name, "").strip() or str(default)
            try:
                value = int(raw)
            except ValueError:
                raise SystemExit(f"{name} must be a port number, not {raw!r}") from None
            if not 0 < value < 65536:
                raise SystemExit(f"{name} must be between 1 and 65535, not {value}")
            return value

        local_dir = Path(environ.get("EMOTIPAL_LOCAL_DIR", "").strip() or REPO_ROOT / ".local")
        return cls(
            api_port=port("EMOTIPAL_API_PORT", 8000),
            web_port=port("EMOTIPAL_WEB_PORT", 8001),
            moto_port=port("EMOTIPAL_MOTO_PORT", 8002),
            dynamodb_port=port("EMOTIPAL_DYNAMODB_PORT", 8003),
            local_dir=local_dir.resolve(),
        )

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.api_port}"

    @property
    def web_url(self) -> str:
        return f"http://{HOST}:{self.web_port}"

    @property
    def moto_url(self) -> str:
        return f"http://{HOST}:{self.moto_port}"

    @property
    def logs_dir(self) -> Path:
        return self.local_dir / "logs"


@dataclass
class PeriodicTask:
    """Something the deployed product runs on a schedule that `chalice local` does not.

    Runs `action` every `interval_seconds` on its own thread until the stack stops;
    a failing run is logged and the next one still happens.
    """

    name: str
    interval_seconds: float
    action: Callable[[], Any]
    _thread: threading.Thread | None = field(default=None, repr=False)

    def start(self, stopping: threading.Event) -> None:
        def loop() -> None:
            while not stopping.wait(self.interval_seconds):
                try:
                    self.action()
                except Exception:
                    logger.exception("periodic task %s failed", self.name)

        self._thread = threading.Thread(target=loop, name=self.name, daemon=True)
        self._thread.start()

    def join(self, timeout: float) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


DEFAULT_SWEEP_SECONDS = 60.0


def _sweep_seconds() -> float:
    raw = os.environ.get("EMOTIPAL_SWEEP_SECONDS", "").strip()
    try:
        value = float(raw) if raw else DEFAULT_SWEEP_SECONDS
    except ValueError:
        raise SystemExit(f"EMOTIPAL_SWEEP_SECONDS must be a number of seconds, not {raw!r}") from None
    if value <= 0:
        raise SystemExit("EMOTIPAL_SWEEP_SECONDS must be positive")
    return value


def _run_reminder_sweep() -> None:
    # The unsubscribe links in messages point at this stack's API.
    os.environ.setdefault("EMOTIPAL_API_URL", StackConfig.from_environment().api_url)
    from datetime import datetime

    from app import reminder_sweep

    # The shape of EventBridge's scheduled event, as Lambda would pass it.
    reminder_sweep({"version": "0", "id": "local", "detail-type": "Scheduled Event", "source": "aws.events",
                    "account": "000000000000", "time": datetime.now(UTC).isoformat(), "region": REGION,
                    "resources": [], "detail": {}}, None)


def periodic_tasks() -> list[PeriodicTask]:
    """The schedules of app.py, run in-process against the local endpoints."""
    return [PeriodicTask("reminder-sweep", _sweep_seconds(), _run_reminder_sweep)]


def stack_environment(config: StackConfig, dynamodb_endpoint: str,
                      resources: LocalResources | None = None) -> dict[str, str]:
    """The EMOTIPAL_* / AWS_* variables the API and `emotipal-admin` need for this stack."""
    env = {
        "EMOTIPAL_STAGE": "local",
        "EMOTIPAL_TABLE": TABLE_NAME,
        "EMOTIPAL_AWS_ENDPOINT": config.moto_url,
        "EMOTIPAL_DYNAMODB_ENDPOINT": dynamodb_endpoint,
        "EMOTIPAL_WEB_CLIENT_URL": f"{config.web_url}/client/",
        "EMOTIPAL_WEB_ORIGIN": config.web_url,
        "EMOTIPAL_EXPORTS_BUCKET": EXPORTS_BUCKET,
        "EMOTIPAL_SES_SENDER": SES_SENDER,
        # Dummy credentials: the local endpoints accept anything, and real ones
        # must never be picked up from the developer's profile.
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    # Web push signs with a VAPID key pair made once for this state dir (deployed: Secrets Manager).
    env["EMOTIPAL_VAPID_PRIVATE_KEY"] = local_vapid_private_key(config.local_dir)
    if resources is not None:
        env["EMOTIPAL_COGNITO_POOL_ID"] = resources.user_pool_id
        env["EMOTIPAL_COGNITO_CLIENT_ID"] = resources.app_client_id
    return env


VAPID_KEY_FILE = "vapid-private-key"


def local_vapid_private_key(local_dir: Path) -> str:
    """The local stack's VAPID private key (base64url, raw P-256), generated on the first start
    and kept in the state dir (readable by its owner only), so browsers stay subscribed across
    restarts. Deleting the state dir makes a new one; the page then subscribes again."""
    path = local_dir / VAPID_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    from chalicelib.channels.web_push import new_private_key

    key = new_private_key()
    local_dir.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(key + "\n")
    temporary.chmod(0o600)
    temporary.replace(path)
    return key


def apply_environment(env: dict[str, str]) -> None:
    """Point this process (settings and AWS clients) at the local stack."""
    from chalicelib import aws
    from chalicelib.config import get_settings

    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(env)
    get_settings.cache_clear()
    aws.reset()


def write_json(path: Path, payload: Any) -> None:
    """Write atomically: readers (tests, `emotipal-admin`) never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(payload, indent=2) + "\n")
    temporary.replace(path)


def _say(message: str = "") -> None:
    print(message, flush=True)


def _warn(message: str) -> None:
    print(f"WARNING: {message}", file=sys.stderr, flush=True)


class LocalStack:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self._stopping = threading.Event()
        self._processes: list[ManagedProcess] = []
        self._web: WebServer | None = None
        self._tasks: list[PeriodicTask] = []

    # -- lifecycle -------------------------------------------------------------

    def check_ports(self, with_dynamodb_local: bool) -> None:
        config = self.config
        wanted = [
            (config.api_port, "EMOTIPAL_API_PORT"),
            (config.web_port, "EMOTIPAL_WEB_PORT"),
            (config.moto_port, "EMOTIPAL_MOTO_PORT"),
        ]
        if with_dynamodb_local:
            wanted.append((config.dynamodb_port, "EMOTIPAL_DYNAMODB_PORT"))
        seen: dict[int, str] = {}
        for port, env_name in wanted:
            if port in seen:
                raise SystemExit(f"{env_name} and {seen[port]} are both {port}: give each service its own port")
            seen[port] = env_name
            ensure_port_free(port, env_name)

    def start(self) -> dict[str, Any]:
        """Start everything; returns what stack.json holds."""
        config = self.config
        config.local_dir.mkdir(parents=True, exist_ok=True)
        missing_dynamodb = dynamodb_local_unavailable_reason()
        self.check_ports(with_dynamodb_local=missing_dynamodb is None)
        # A stack.json left by a crashed run would announce a stack that is not up yet.
        (config.local_dir / "stack.json").unlink(missing_ok=True)

        # DynamoDB Local's JVM starts while moto starts and replays.
        dynamodb = self._launch_dynamodb(missing_dynamodb)
        moto = start_moto(config.moto_port, recording_path=config.local_dir / "moto-recording.jsonl",
                          log_path=config.logs_dir / "moto.log")
        self._processes.append(moto)
        restored = moto_state.restore_and_record(moto.url, config.local_dir / "moto-recording.jsonl")
        if restored.replayed_requests:
            _say(f"Restored moto's state ({restored.replayed_requests} recorded requests).")
        if dynamodb is not None:
            wait_for_dynamodb_local(dynamodb)
        dynamodb_endpoint = dynamodb.url if dynamodb is not None else moto.url

        apply_environment(stack_environment(config, dynamodb_endpoint))
        resources = ensure_resources(table_name=TABLE_NAME, exports_bucket=EXPORTS_BUCKET,
                                     ses_sender=SES_SENDER, region=REGION)
        env = stack_environment(config, dynamodb_endpoint, resources)
        apply_environment(env)
        self._check_identities_survived(resources)

        from devstack.seed import seed_demo

        demo = seed_demo()
        self._snapshot_identities(resources)
        write_json(config.local_dir / "env.json", env)

        api = start_chalice_local(config.api_port, env=dict(os.environ),
                                  log_path=config.logs_dir / "api.log")
        self._processes.append(api)
        self._web = make_web_server(config.web_port, api_url=api.url, moto_url=moto.url).start()
        for task in periodic_tasks():
            task.start(self._stopping)
            self._tasks.append(task)

        stack = {
            "api": api.url,
            "web_client": f"{config.web_url}/client/",
            "web_admin": f"{config.web_url}/admin/",
            "outbox": f"{config.web_url}/outbox",
            "aws_endpoint": moto.url,
            "logins": list(demo.get("logins", [])),
            "demo_client_link": demo.get("demo_client_link", ""),
        }
        write_json(config.local_dir / "stack.json", stack)
        return stack

    def _launch_dynamodb(self, missing_reason: str | None) -> ManagedProcess | None:
        if missing_reason is None:
            dynamodb = launch_dynamodb_local(self.config.dynamodb_port, db_path=self.config.local_dir / "dynamodb",
                                             log_path=self.config.logs_dir / "dynamodb.log")
            if dynamodb is not None:
                self._processes.append(dynamodb)
                return dynamodb
            missing_reason = "DynamoDB Local could not start"
        _warn(f"{missing_reason}; using moto's DynamoDB instead. It is less strict than "
              "DynamoDB Local, so code that works here may still fail on AWS.")
        return None

    def _check_identities_survived(self, resources: LocalResources) -> None:
        from chalicelib.aws import client

        snapshot_path = self.config.local_dir / "cognito-subs.json"
        previous = moto_state.load_snapshot(snapshot_path)
        current = moto_state.user_subs(client("cognito-idp"), resources.user_pool_id)
        lost = moto_state.lost_identities(previous, current)
        if lost:
            _warn(f"{len(lost)} Cognito user(s) did not come back with the same id after the restart; "
                  f"their sign-ins no longer match their practices. Delete {self.config.local_dir} "
                  "to start afresh.")

    def _snapshot_identities(self, resources: LocalResources) -> None:
        from chalicelib.aws import client

        subs = moto_state.user_subs(client("cognito-idp"), resources.user_pool_id)
        moto_state.save_snapshot(self.config.local_dir / "cognito-subs.json", subs)

    def wait(self) -> int:
        """Block until a signal asks to stop (0) or a service dies (1)."""
        while not self._stopping.wait(0.5):
            for process in self._processes:
                if not process.running():
                    _warn(f"{process.name} stopped unexpectedly (exit code {process.process.returncode})"
                          + (f"; see {process.log_path}" if process.log_path else ""))
                    return 1
        return 0

    @property
    def started_anything(self) -> bool:
        return bool(self._processes) or self._web is not None

    def request_stop(self, *_: Any) -> None:
        self._stopping.set()

    def stop(self) -> None:
        self._stopping.set()
        for task in self._tasks:
            task.join(timeout=5)
        if self._web is not None:
            self._web.stop()
            self._web = None
        # Reverse order: the API goes before the services it calls.
        while self._processes:
            self._processes.pop().stop()


def print_banner(stack: dict[str, Any], config: StackConfig) -> None:
    _say()
    _say("Emotipal is running locally.")
    _say(f"  Clinician app : {stack['web_admin']}")
    _say(f"  Client app    : {stack['web_client']}")
    _say(f"  API           : {stack['api']}")
    _say(f"  Outbox        : {stack['outbox']}   (emails and SMS the stack sent)")
    _say(f"  AWS (moto)    : {stack['aws_endpoint']}")
    _say(f"  State         : {config.local_dir}   (delete it to start afresh)")
    logins = stack.get("logins") or []
    if logins:
        _say()
        _say("Demo logins (local only):")
        for login in logins:
            _say(f"  {login.get('role', ''):<10} {login.get('email', '')}  password: {login.get('password', '')}"
                 + (f"  ({login['practice']})" if login.get("practice") else ""))
    if stack.get("demo_client_link"):
        _say()
        _say(f"Demo client link: {stack['demo_client_link']}")
    _say()
    _say("Press Ctrl-C to stop.")


def run(config: StackConfig | None = None) -> int:
    config = config or StackConfig.from_environment()
    stack = LocalStack(config)
    starting = True

    def on_signal(signum: int, frame: Any) -> None:
        stack.request_stop()
        if starting:  # abandon start-up at once; the finally below cleans up
            raise KeyboardInterrupt

    previous_handlers = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
    status = 0
    try:
        details = stack.start()
        starting = False
        print_banner(details, config)
        status = stack.wait()
    except KeyboardInterrupt:
        status = 0
    except PortBusyError as error:
        print(f"ERROR: {error}", file=sys.stderr, flush=True)
        status = 2
    except ServiceStartError as error:
        print(f"ERROR: {error}", file=sys.stderr, flush=True)
        status = 1
    finally:
        starting = False
        started_anything = stack.started_anything
        if started_anything:
            _say("Stopping the local stack...")
            # Only ours to remove: a run refused for a busy port leaves the running one's.
            with contextlib.suppress(OSError):
                (config.local_dir / "stack.json").unlink(missing_ok=True)
        stack.stop()
        for signum, handler in previous_handlers.items():
            signal.signal(signum, handler)
    if started_anything:
        _say("Stopped.")
    return status
