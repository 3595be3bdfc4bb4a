"""Project-wide pytest configuration (the fakecloud pytest plugin registers its own fixtures)."""


def pytest_configure(config):
    """This project's own markers (the plugin's are registered by fakecloud.pytest_plugin)."""
    config.addinivalue_line(
        "markers",
        "browser_tour: every demo report in headless Chromium (make screenshots; deselected in "
        "make test, which opens one report)",
    )
