// facegate-door --config FILE (tools/door/door_config.cc): key = value lines.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_util.h"
#include "tools/door/door_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string path = fg_fuzz::write_input(data, size, ".conf");
  char arg0[] = "facegate-door", arg1[] = "--config";
  char* argv[] = {arg0, arg1, &path[0], nullptr};
  fg::door::DoorConfig cfg;
  (void)fg::door::door_config_parse(3, argv, &cfg);
  return 0;
}
