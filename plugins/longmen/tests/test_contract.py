"""govservice_std's contract suite, run against this plugin."""

from govservice_std.testing import LocalityContract


class TestLocality441324(LocalityContract):
    """龙门县 (441324)."""

    locality = "441324"
    plugin = "longmen"
