"""Synthesizes each stage once per test session (the slow part: packaging and jsii)."""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
INFRA_DIR = REPO_ROOT / "infra"
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
for path in (INFRA_DIR, REPO_ROOT):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from aws_cdk.assertions import Template  # noqa: E402

import gen_requirements  # noqa: E402
from emotipal_infra.assembly import build_app  # noqa: E402

STAGES = ("dev", "prod")


@dataclass
class Synthesized:
    stage: str
    template: dict  # the raw CloudFormation template
    assertions: Template
    path: Path

    def resources(self, resource_type: str) -> dict[str, dict]:
        return {
            logical_id: resource
            for logical_id, resource in self.template["Resources"].items()
            if resource["Type"] == resource_type
        }

    def one(self, resource_type: str, prefix: str = "") -> tuple[str, dict]:
        matches = {k: v for k, v in self.resources(resource_type).items() if k.startswith(prefix)}
        assert len(matches) == 1, f"expected one {resource_type} {prefix!r}, found {sorted(matches)}"
        return next(iter(matches.items()))


@pytest.fixture(scope="session")
def stacks(tmp_path_factory) -> dict[str, Synthesized]:
    gen_requirements.main([])
    workdir = tmp_path_factory.mktemp("synth")
    previous = os.getcwd()
    os.chdir(workdir)  # the Chalice construct packages into ./chalice.out
    try:
        built = {}
        for stage in STAGES:
            app, stack = build_app({"stage": stage}, outdir=str(workdir / f"cdk.out-{stage}"))
            assembly = app.synth()
            artifact = assembly.get_stack_by_name(stack.stack_name)
            path = Path(assembly.directory) / artifact.template_file
            built[stage] = Synthesized(
                stage=stage,
                template=json.loads(path.read_text()),
                assertions=Template.from_json(json.loads(path.read_text())),
                path=path,
            )
        return built
    finally:
        os.chdir(previous)


@pytest.fixture(scope="session", params=STAGES)
def stack(request, stacks) -> Synthesized:
    return stacks[request.param]


@pytest.fixture(scope="session")
def chalice_app(stacks):
    """The product's Chalice app object (repo root app.py), as `chalice package` loaded it.

    Importing app.py a second time would register its blueprints twice, so reuse the module.
    """
    module = sys.modules.get("app")
    if module is None or Path(module.__file__).resolve() != REPO_ROOT / "app.py":
        spec = importlib.util.spec_from_file_location("app", REPO_ROOT / "app.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module.app
