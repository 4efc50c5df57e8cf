"""Service settings from the environment (prefix ILP_), with embedded defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from ilp_contracts.vitamin_a import ROUND_MONTHS
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


DEMO_PSEUDONYM_KEY = "embedded-dev-key-change-me"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ILP_", env_file=None, extra="ignore")

    service: str = "ilp"
    nats_url: str = "nats://127.0.0.1:4222"
    # JetStream replicas per stream: 1 embedded, 3 on a 3-node NATS cluster (R3).
    stream_replicas: int = 1
    data_dir: Path = Path("data")
    # sqlite:///path/to/file.db (embedded default) or mongodb://host/db?replicaSet=rs0
    store_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8001
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"
    otel_exporter: Literal["none", "console", "otlp"] = "none"
    otel_endpoint: str = "http://127.0.0.1:4318"
    # Consumers: redeliveries before an event goes to the dead-letter subject.
    max_deliver: int = 5
    # Applied-event ids older than this are forgotten (redelivery happens within minutes;
    # an event re-published after this long would be applied again).
    applied_retention_days: float = 30.0
    # Screening: reads of person-level records (the audit log) are kept this long, then
    # pruned daily; 0 keeps them for good.
    audit_retention_days: float = 5 * 365.0
    consumer_batch: int | None = None  # else the service's own (ServiceSpec.consumer_batch)
    # Keyed hash for pseudonymous person ids (HMAC-SHA256 of the NIK). Set it in production
    # (`./ilp up` makes one per data directory: `local_pseudonym_key`).
    pseudonym_key: str = DEMO_PSEUDONYM_KEY
    # Notify: how often overdue home-visit tasks are escalated.
    escalation_interval_s: float = 60.0
    # Notify: webhooks told of new and escalated tasks (comma-separated URLs), the shared
    # secret for their HMAC-SHA256 signature, and how often a failing one is retried.
    webhook_urls: str = ""
    webhook_secret: str = ""
    webhook_max_attempts: int = 6
    delivery_interval_s: float = 1.0
    # Notify: e-mail to the assigned worker (when the registry has an address) via SMTP.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "ilp-platform@localhost"
    # Notify: an SMS/WhatsApp gateway's HTTP API; it receives {"to", "text"} as JSON with
    # the token as a bearer credential.
    sms_url: str = ""
    sms_token: str = ""
    # Notify: from this hour of their own time zone workers who chose the daily digest get it.
    digest_hour: int = 6
    # Notify: the months of the bulan vitamin A, whose capsule the kader sweeps for after
    # the posyandu days (`[2, 8]`; PWS reads its catalogue's months).
    vitamin_a_months: tuple[Annotated[int, Field(ge=1, le=12)], ...] = Field(
        default=ROUND_MONTHS, min_length=1)
    # Access: "local" (embedded: HS256 key file, `ilp token`), "oidc" (production:
    # issuer discovery + JWKS, e.g. Keycloak realm URL), "none" (component tests only).
    auth_mode: Literal["local", "oidc", "none"] = "local"
    auth_key_path: Path | None = None  # local mode; default <data_dir>/auth/signing.key
    oidc_issuer: str = ""
    oidc_audience: str = "ilp-platform"
    # PWS: the public OIDC client the dashboard signs its users in with (authorization
    # code with PKCE); its access tokens must carry the audience above.
    oidc_dashboard_client: str = "ilp-dashboard"
    # Origins allowed to call the API from a browser (comma-separated); none by default.
    cors_origins: str = ""
    # Screening: export to a FHIR R4 server (SATUSEHAT) – off while the base URL is empty.
    # OAuth2 client credentials at the token URL; the sender's Organization id.
    fhir_base_url: str = ""
    fhir_token_url: str = ""
    fhir_client_id: str = ""
    fhir_client_secret: str = ""
    fhir_organization_id: str = ""
    fhir_max_attempts: int = 8
    # Key (Fernet, urlsafe base64 of 32 bytes) sealing the NIK kept for the FHIR export;
    # derived from the pseudonym key when empty. Without the export no NIK is kept at all.
    pii_key: str = ""
    # PWS: the indicator catalogue (JSON); the shipped default when empty.
    pws_catalogue: Path | None = None

    def auth_key_file(self) -> Path:
        return self.auth_key_path or self.data_dir / "auth" / "signing.key"

    def resolved_store_url(self) -> str:
        return self.store_url or f"sqlite:///{self.data_dir / (self.service + '.db')}"
