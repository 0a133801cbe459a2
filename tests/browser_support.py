"""How every browser test starts Debian's Chromium (never a downloaded browser)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",  # the machine's closed network refuses Chromium's own calls
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
