"""govservice_std's contract suite, run against this plugin."""

from govservice_std.testing import LocalityContract


class TestLocality441322(LocalityContract):
    """博罗县 (441322), declared by this plugin."""

    locality = "441322"
    plugin = "boluo"
