"""The ILP Platform's command line and embedded runner."""

# The command line speaks Bahasa Indonesia: its own words, and the services' refusals it
# prints (asked for with Accept-Language).
CLI_LANGUAGE = "id"


def request_headers(token: str | None) -> dict[str, str]:
    """What every import sends: the language it prints in, and the caller's token."""
    return {"Accept-Language": CLI_LANGUAGE,
            **({"Authorization": f"Bearer {token}"} if token else {})}
