#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what the reference generators in tools/gen_*.py need, from Debian's archive:
# PyTorch, NumPy and scikit-learn for Python 3 (run the scripts with /usr/bin/python3), and
# r-cran-palmerpenguins, which ships the penguins CSV copied to examples/data/.
# The test suite itself never needs Python; only regenerating its reference data does.
#
#   bash tools/install_reference_tools.sh
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=tools/common.sh
source "$repo_root/tools/common.sh"
kaon_apt_install python3 python3-torch python3-numpy python3-sklearn r-cran-palmerpenguins
