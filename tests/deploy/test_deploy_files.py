"""Offline checks of everything an operator deploys: the compose file against the
compose specification, every Kubernetes manifest against the Kubernetes 1.33 schemas,
the kustomize overlay against its base and as `kubectl kustomize` renders it, the
Dockerfile's structure, and the README's configuration reference against the settings
the services really read."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser
from ilp_kit.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
K8S_VERSION = "1.33.0"
# Custom resources of operators: their schemas ship with the operator, not Kubernetes.
CUSTOM_KINDS = {"MongoDBCommunity"}


def documents(path: Path) -> list[dict]:
    """The objects of a manifest (a JSON patch, a list of operations, has none)."""
    return [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]


def manifests() -> list[tuple[Path, dict]]:
    found = []
    for path in sorted(K8S.rglob("*.yaml")):
        if path.name == "kustomization.yaml" or path.name.endswith("-values.yaml"):
            continue
        found += [(path, doc) for doc in documents(path) if doc.get("kind")]
    return found


def test_compose_file_follows_the_compose_specification() -> None:
    result = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"),
                             "--builtin-schema", "vendor.compose-spec",
                             str(ROOT / "docker-compose.yml")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_compose_starts_in_order_with_health_checks_and_persistent_data() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"nats", "mongo", "registry", "screening", "pws", "notify", "gateway",
            "otel-collector", "jaeger"} <= set(services)
    assert "nats-data:/data" in services["nats"]["volumes"]
    assert "mongo-data:/data/db" in services["mongo"]["volumes"]
    assert "--replSet" in services["mongo"]["command"]
    for name in ("registry", "screening", "pws", "notify"):
        service = services[name]
        assert service["depends_on"]["nats"]["condition"] == "service_healthy"
        assert service["depends_on"]["mongo-init"]["condition"] == \
            "service_completed_successfully"
        assert service["environment"]["ILP_STORE_URL"].startswith("mongodb://")
        assert services["gateway"]["depends_on"][name]["condition"] == "service_healthy"
    settings = {f"ILP_{n.upper()}" for n in ServiceSettings.model_fields}
    for name, service in services.items():
        unknown = {k for k in service.get("environment", {})
                   if k.startswith("ILP_") and k not in settings and name != "gateway"}
        assert not unknown, (name, unknown)


@pytest.mark.parametrize(("path", "doc"), manifests(),
                         ids=lambda v: v.name if isinstance(v, Path) else v.get("kind", ""))
def test_kubernetes_manifest_is_valid(path: Path, doc: dict) -> None:
    if doc["kind"] in CUSTOM_KINDS:
        pytest.skip(f"{doc['kind']} is validated by its operator's CRD")
    kubernetes_validate.validate(doc, K8S_VERSION, strict=True)  # overlay patches too


def test_every_service_is_probed_limited_scaled_and_protected() -> None:
    base = [doc for _, doc in manifests() if "base" in _.parts]
    by_kind: dict[str, dict[str, dict]] = {}
    for doc in base:
        by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
    for name in ("ilp-registry", "ilp-screening", "ilp-pws", "ilp-notify"):
        pod = by_kind["Deployment"][name]["spec"]["template"]["spec"]
        [container] = pod["containers"]
        assert container["readinessProbe"]["httpGet"]["path"].endswith("/health/ready")
        annotations = by_kind["Deployment"][name]["spec"]["template"]["metadata"]["annotations"]
        assert (annotations["prometheus.io/scrape"], annotations["prometheus.io/path"]) == (
            "true", "/metrics")
        assert container["livenessProbe"]["httpGet"]["path"].endswith("/health/live")
        assert {"requests", "limits"} <= set(container["resources"])
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert container["securityContext"]["readOnlyRootFilesystem"] is True
        secrets = [e["valueFrom"]["secretKeyRef"]["name"] for e in container["env"]]
        assert secrets and set(secrets) == {"ilp-secrets"}  # secrets only by reference
        assert name in by_kind["Service"] and name in by_kind["HorizontalPodAutoscaler"]
        assert name in by_kind["PodDisruptionBudget"]
    assert "Secret" not in by_kind  # never a secret in the repository
    assert "ilp-default-deny" in by_kind["NetworkPolicy"]


def test_overlay_refers_only_to_what_the_base_has() -> None:
    """What `kustomize build` would refuse, read without it: missing resources, patches
    of objects that do not exist, images never used."""
    base = K8S / "base"
    base_kustomization = yaml.safe_load((base / "kustomization.yaml").read_text())
    objects = {(d["kind"], d["metadata"]["name"])
               for r in base_kustomization["resources"] for d in documents(base / r)}
    images = {c["image"].split(":")[0] for r in base_kustomization["resources"]
              for d in documents(base / r) if d["kind"] == "Deployment"
              for c in d["spec"]["template"]["spec"]["containers"]}
    overlay = K8S / "overlays" / "example-kota"
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    for resource in kustomization["resources"]:
        assert (overlay / resource).exists(), resource
    for patch in kustomization["patches"]:
        if target := patch.get("target"):  # a JSON patch of every object it targets
            assert any(kind == target["kind"] and target.get("name", name) == name
                       for kind, name in objects), target
        else:
            for doc in documents(overlay / patch["path"]):
                assert (doc["kind"], doc["metadata"]["name"]) in objects, patch
    assert {i["name"] for i in kustomization["images"]} == images


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl (its kustomize) is not installed")
def test_the_overlay_renders_one_host_its_namespace_and_its_images() -> None:
    """`kubectl kustomize` itself: every object of the example Dinkes deployment valid for
    Kubernetes 1.33, in its namespace, on its images, and every Ingress – the API, the
    live stream, the bulk imports – served on its host name and certificate (a patch
    that named the Ingresses one by one had left the bulk imports on the example's)."""
    overlay = K8S / "overlays" / "example-kota"
    rendered = subprocess.run([KUBECTL, "kustomize", str(overlay)], capture_output=True,
                              text=True, check=True).stdout
    docs = [d for d in yaml.safe_load_all(rendered) if d]
    kustomization = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == kustomization["namespace"], doc["kind"]
    ingresses = [d for d in docs if d["kind"] == "Ingress"]
    assert len(ingresses) == 3
    hosts = {(rule["host"], *tls["hosts"]) for d in ingresses
             for rule, tls in zip(d["spec"]["rules"], d["spec"]["tls"], strict=True)}
    assert hosts == {("ilp.dinkes.salatiga.go.id", "ilp.dinkes.salatiga.go.id")}
    tags = {i["name"]: i["newTag"] for i in kustomization["images"]}
    images = [c["image"] for d in docs if d["kind"] == "Deployment"
              for c in d["spec"]["template"]["spec"]["containers"]]
    assert sorted(images) == sorted(f"{name}:{tag}" for name, tag in tags.items())


def test_dockerfile_is_multi_stage_pinned_and_runs_unprivileged() -> None:
    parser = DockerfileParser(path=str(ROOT / "Dockerfile"))
    instructions = parser.structure
    froms = [i["value"] for i in instructions if i["instruction"] == "FROM"]
    assert len(froms) >= 2, "build and runtime stages"
    for image in froms:
        name = image.split()[0]
        assert ":" in name and not name.endswith(":latest"), image
    copies = [i["value"] for i in instructions if i["instruction"] == "COPY"]
    assert all("--from=" not in c or ":" in c.split()[0] or "build" in c for c in copies)
    final = instructions[max(n for n, i in enumerate(instructions)
                             if i["instruction"] == "FROM"):]
    users = [i["value"] for i in final if i["instruction"] == "USER"]
    assert users and users[-1] not in ("0", "root")
    assert any(i["instruction"] == "HEALTHCHECK" for i in final)
    assert not any(i["instruction"] == "ADD" for i in instructions), "COPY, not ADD"
    assert "--frozen" in parser.content and "--no-dev" in parser.content


def test_nginx_template_variables_are_all_provided_by_compose() -> None:
    template = (ROOT / "deploy/nginx/templates/ilp-gateway.conf.template").read_text()
    variables = set(re.findall(r"\$\{(ILP_[A-Z_]+)\}", template))
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert variables == set(compose["services"]["gateway"]["environment"])


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [f"ILP_{name.upper()}" for name in ServiceSettings.model_fields
               if f"ILP_{name.upper()}" not in readme and name != "service"]
    assert not missing, f"add to the README configuration reference: {missing}"
