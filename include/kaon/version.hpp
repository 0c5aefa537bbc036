// SPDX-License-Identifier: MIT
// kaon's version, written only here; the top-level CMakeLists.txt parses it.
#pragma once

#define KAON_VERSION_MAJOR 0
#define KAON_VERSION_MINOR 1
#define KAON_VERSION_PATCH 0
#define KAON_VERSION "0.1.0"
