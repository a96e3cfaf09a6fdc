// Every --json output of the CLI goes through nlohmann-json (docs/json.md has one schema per
// output): file names with '"', '\' or control characters stay valid JSON, and the shared
// shapes (box, image, distance_sq) are built in one place.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace fg::cli {

// Fields in the order they are added: the documented order, stable for diffs.
using Json = nlohmann::ordered_json;

// A number rounded to `decimals` places (or to `digits` significant digits): nlohmann prints
// the shortest text that reads back as the double, so the rounded value prints as printf's
// "%.*f" would, without its trailing zeros (0.208015, never 0.20801500976085663).
double json_fixed(double v, int decimals);
double json_significant(double v, int digits);

// A face box as everywhere in facegate's JSON (CLI, door audit line, MQTT event):
// [x, y, width, height] in image pixels, top-left origin, 2 decimals.
Json json_box(double x, double y, double width, double height);

// Writes j to stdout (2-space indent: `"key": value` on one line each) and a newline.
void json_print(const Json& j);
// The same into a file; false (errno set) when it cannot be written.
bool json_write_file(const std::string& path, const Json& j);

}  // namespace fg::cli
