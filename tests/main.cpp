// doctest's main, after one check: a run forced onto a kernel this CPU cannot
// execute (ATTO_KERNEL, see core/kernel_dispatch.h) is skipped, exit 77, so
// that `make test` can run the kernel tests once per kernel on any machine.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "core/kernel_dispatch.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string_view>

int main(int argc, char** argv) {
  if (const char* forced = std::getenv("ATTO_KERNEL"); forced != nullptr && *forced != '\0') {
    const auto supported = atto::supported_kernels();
    if (std::find(supported.begin(), supported.end(), std::string_view(forced)) == supported.end()) {
      std::printf("skipped: this CPU cannot run the %s kernel\n", forced);
      return 77;
    }
  }
  return doctest::Context(argc, argv).run();
}
