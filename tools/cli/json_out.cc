#include "tools/cli/json_out.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace fg::cli {

namespace {
double via_text(const char* format, int precision, double v) {
  if (!std::isfinite(v)) return v;  // nlohmann writes null for these; callers never pass them
  char buf[64];
  std::snprintf(buf, sizeof buf, format, precision, v);
  return std::strtod(buf, nullptr);
}
}  // namespace

double json_fixed(double v, int decimals) { return via_text("%.*f", decimals, v); }
double json_significant(double v, int digits) { return via_text("%.*g", digits, v); }

Json json_box(double x, double y, double width, double height) {
  return Json::array({json_fixed(x, 2), json_fixed(y, 2), json_fixed(width, 2), json_fixed(height, 2)});
}

// error_handler::replace: a name that is not valid UTF-8 (any byte string is a legal file
// name) is written with U+FFFD instead of throwing; the JSON stays parseable.
void json_print(const Json& j) {
  const std::string text = j.dump(2, ' ', false, Json::error_handler_t::replace);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

bool json_write_file(const std::string& path, const Json& j) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return false;
  f << j.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
  return bool(f.flush());
}

}  // namespace fg::cli
