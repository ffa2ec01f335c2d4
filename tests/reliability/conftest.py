"""The reliability campaign prints how many generated cases each property ran."""

import campaign


def pytest_terminal_summary(terminalreporter):
    if not campaign.CASES:
        return
    terminalreporter.section("reliability campaign: generated cases run")
    for name, n in sorted(campaign.CASES.items()):
        terminalreporter.write_line(f"{n:6d}  {name}")
    terminalreporter.write_line(f"{sum(campaign.CASES.values()):6d}  in all")
