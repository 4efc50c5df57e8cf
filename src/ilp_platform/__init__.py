"""The ILP Platform's command line and embedded runner."""

# The command line speaks Bahasa Indonesia: its own words, and the services' refusals it
# prints (asked for with Accept-Language).
CLI_LANGUAGE = "id"
