"""Settings of the intake benchmark only: the project's settings, the bench URLs, no client limit.

Never used outside bench/intake.py.
"""

from sicnet.settings import *  # noqa: F403

ROOT_URLCONF = "bench.intake_urls"
# One load generator is one client address: the limit would stop it after ten reports. The counter
# is still written on every submission, as in production.
HOTLINE_REPORTS_PER_WINDOW = 10**9
