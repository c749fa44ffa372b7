"""govservice_std's contract suite, run against this plugin."""

from govservice_std.testing import LocalityContract


class TestLocality440000(LocalityContract):
    """广东省 (440000)."""

    locality = "440000"
    plugin = "guangdong"


class TestLocality441300(LocalityContract):
    """惠州市 (441300)."""

    locality = "441300"
    plugin = "guangdong"
