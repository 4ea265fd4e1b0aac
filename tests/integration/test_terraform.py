"""The Terraform AWS provider round-trips a published state machine, an alias and an activity.

It needs ``terraform`` on the PATH and the provider in a filesystem mirror (``SFN_TERRAFORM_PLUGINS``,
by default ``/opt/tf-plugins``), since no registry is reachable; without them the test skips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from mypy_boto3_stepfunctions import SFNClient

from app.server_process import ServerProcess

PLUGINS = Path(os.environ.get("SFN_TERRAFORM_PLUGINS", "/opt/tf-plugins"))
PROVIDER = PLUGINS / "registry.terraform.io" / "hashicorp" / "aws"
TERRAFORM = shutil.which("terraform")
STEP_TIMEOUT = 300

CLI_CONFIG = f"""
provider_installation {{
  filesystem_mirror {{
    path    = "{PLUGINS}"
    include = ["registry.terraform.io/hashicorp/*"]
  }}
  direct {{
    exclude = ["registry.terraform.io/hashicorp/*"]
  }}
}}
"""

CONFIGURATION = """
terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws" }}
  }}
}}
provider "aws" {{
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  endpoints {{
    sfn = "{endpoint}"
  }}
}}
resource "aws_sfn_state_machine" "machine" {{
  name       = "{name}"
  role_arn   = "arn:aws:iam::123456789012:role/any"
  publish    = true
  definition = jsonencode({{ StartAt = "P", States = {{ P = {{ Type = "Pass", End = true }} }} }})
}}
resource "aws_sfn_alias" "live" {{
  name = "live"
  routing_configuration {{
    state_machine_version_arn = aws_sfn_state_machine.machine.state_machine_version_arn
    weight                    = 100
  }}
}}
resource "aws_sfn_activity" "activity" {{
  name = "{name}-activity"
}}
"""


@pytest.mark.slow
@pytest.mark.skipif(TERRAFORM is None, reason="terraform is not installed here")
@pytest.mark.skipif(not PROVIDER.is_dir(), reason=f"no hashicorp/aws provider in a filesystem mirror at {PLUGINS}")
def test_terraform_creates_plans_no_change_and_destroys(
    backend: str, server: ServerProcess, sfn: SFNClient, tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("Terraform only speaks the API: one database is enough, and each run takes half a minute")
    name = f"tf-{uuid.uuid4().hex[:8]}"
    (tmp_path / "cli.tfrc").write_text(CLI_CONFIG)
    (tmp_path / "main.tf").write_text(CONFIGURATION.format(endpoint=server.endpoint, name=name))
    environment = {**os.environ, "TF_CLI_CONFIG_FILE": str(tmp_path / "cli.tfrc"), "TF_IN_AUTOMATION": "1"}

    def terraform(*arguments: str) -> subprocess.CompletedProcess[str]:
        assert TERRAFORM is not None
        command = [TERRAFORM, *arguments, "-input=false", "-no-color"]
        return subprocess.run(
            command, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False
        )

    for step in (("init",), ("apply", "-auto-approve")):
        done = terraform(*step)
        assert done.returncode == 0, done.stdout + done.stderr
    machine = f"arn:aws:states:us-east-1:123456789012:stateMachine:{name}"
    assert sfn.describe_state_machine_alias(stateMachineAliasArn=f"{machine}:live")["routingConfiguration"] == [
        {"stateMachineVersionArn": f"{machine}:1", "weight": 100}
    ]
    plan = terraform("plan", "-detailed-exitcode")
    assert plan.returncode == 0, "a plan right after the apply must find no change:\n" + plan.stdout + plan.stderr
    destroyed = terraform("destroy", "-auto-approve")
    assert destroyed.returncode == 0, destroyed.stdout + destroyed.stderr
    with pytest.raises(sfn.exceptions.StateMachineDoesNotExist):
        sfn.describe_state_machine(stateMachineArn=machine)
