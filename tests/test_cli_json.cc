// Every --json output of the facegate CLI parses as JSON (nlohmann) when file names hold '"',
// '\' and UTF-8, and has the shape docs/json.md documents: box [x, y, width, height], the file
// under "image" (or "image1"/"image2"), distances as "distance_sq".
#include <unistd.h>

#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "test_util.h"

using namespace fg_test;
using nlohmann::json;

namespace {

// A folder and file names no home-made escaper survives. Single-quoted in the shell: none
// of them holds a single quote.
const std::string kOdd = "q\"uo\\te \xc3\xa9t\xc3\xa9 \xe9\xa1\x94 ";

struct Env {
  std::string dir;
  Env() {
    dir = "/tmp/fg_test_cli_json_" + std::to_string(::getpid()) + "/" + kOdd + "dir";
    REQUIRE(std::system(("mkdir -p '" + dir + "'").c_str()) == 0);
  }
  ~Env() { (void)std::system(("rm -rf /tmp/fg_test_cli_json_" + std::to_string(::getpid())).c_str()); }
  // A copy of `src` named with the odd characters.
  std::string copy(const std::string& src, const std::string& name) const {
    const std::string dst = dir + "/" + kOdd + name;
    REQUIRE(std::system(("cp '" + src + "' '" + dst + "'").c_str()) == 0);
    return dst;
  }
};

std::string q(const std::string& path) { return "'" + path + "'"; }

// Runs facegate with stdout only (messages on stderr are not JSON) and parses it.
json run_json(const std::string& args, int want_exit = 0) {
  const CommandResult r = run_command(tool_command("facegate") + " " + args + " 2>/dev/null");
  INFO(args);
  INFO(r.out);
  CHECK(r.exit_code == want_exit);
  json j;
  REQUIRE_NOTHROW(j = json::parse(r.out));
  return j;
}

void check_box(const json& box) {
  REQUIRE(box.is_array());
  REQUIRE(box.size() == 4);
  for (const json& v : box) CHECK(v.is_number());
  CHECK(box[2].get<double>() > 0);
  CHECK(box[3].get<double>() > 0);
}

void check_embedding(const json& e) {
  REQUIRE(e.is_array());
  CHECK(e.size() == 128);
  double norm = 0;
  for (const json& v : e) norm += v.get<double>() * v.get<double>();
  CHECK(norm > 0.1);  // the encoder's descriptors have norm ~1.5; zeros would mean no run
}

std::string photo(const std::string& name) { return test_data_dir() + "/pipeline/" + name; }

}  // namespace

TEST_CASE("detect / embed / verify / compare --json with odd file names") {
  Env env;
  const std::string bbt = env.copy(photo("bbt4.jpg"), "bbt4.jpg");
  const std::string rect = env.copy(photo("face_rectangular.png"), "rect.png");
  const std::string white = env.copy(photo("white.png"), "white.png");
  const std::string amy1 = env.copy(sample_face("amy", 1), "amy1.png");
  const std::string amy2 = env.copy(sample_face("amy", 2), "amy2.png");

  json j = run_json("detect --json " + q(bbt) + " " + q(white));
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 2);
  CHECK(j[0]["image"] == bbt);
  CHECK(j[1]["image"] == white);
  CHECK(j[0]["width"].get<int>() > 0);
  CHECK(j[0]["input_size"] == 416);
  REQUIRE(j[0]["faces"].size() == 6);
  CHECK(j[1]["faces"].empty());
  for (const json& f : j[0]["faces"]) {
    check_box(f["box"]);
    CHECK(f["score"].get<double>() > 0.5);
    REQUIRE(f["landmarks68"].size() == 68);
    CHECK(f["landmarks68"][0].size() == 2);
  }

  j = run_json("embed --json " + q(rect));
  REQUIRE(j.size() == 1);
  CHECK(j[0]["image"] == rect);
  CHECK(j[0]["face"] == 0);
  check_box(j[0]["box"]);
  check_embedding(j[0]["embedding"]);
  // A photo without a face: exit 3, the JSON still lists the faces that were found.
  j = run_json("embed --json " + q(rect) + " " + q(white), 3);
  CHECK(j.size() == 1);

  j = run_json("embed --crop --json " + q(amy1) + " " + q(amy2));
  REQUIRE(j.size() == 2);
  CHECK(j[1]["image"] == amy2);
  CHECK_FALSE(j[1].contains("box"));
  check_embedding(j[1]["embedding"]);

  j = run_json("verify --json " + q(bbt) + " " + q(rect));
  CHECK(j["image1"] == bbt);
  CHECK(j["image2"] == rect);
  CHECK(j["faces1"] == 6);
  CHECK(j["faces2"] == 1);
  check_box(j["box1"]);
  check_box(j["box2"]);
  CHECK(j["distance_sq"].get<double>() <= j["tau"].get<double>());
  CHECK(j["same"] == true);
  CHECK(j["mode"] == "align");

  j = run_json("compare --json " + q(amy1) + " " + q(amy2));
  CHECK(j["image1"] == amy1);
  CHECK(j["image2"] == amy2);
  CHECK(j["distance_sq"].is_number());
  CHECK(j["same"].is_boolean());
}

TEST_CASE("enroll / identify / gallery --json with odd file names") {
  Env env;
  const std::string key = env.dir + "/" + kOdd + "key";
  const std::string gallery = env.dir + "/" + kOdd + "staff.fgg";
  const std::string amy1 = env.copy(sample_face("amy", 1), "amy1.png");
  const std::string amy2 = env.copy(sample_face("amy", 2), "amy2.png");
  const std::string raj = env.copy(sample_face("raj", 1), "raj1.png");
  REQUIRE(run_command(tool_command("facegate") + " gallery keygen " + q(key) + " >/dev/null 2>&1").exit_code == 0);
  const std::string k = " --gallery-key " + q(key) + " ";

  json j = run_json("enroll --json" + k + q(gallery) + " amy " + q(amy1));
  CHECK(j["gallery"] == gallery);
  CHECK(j["created"] == true);
  CHECK(j["name"] == "amy");
  REQUIRE(j["records"].size() == 1);
  CHECK(j["records"][0]["image"] == amy1);
  CHECK(j["records"][0]["record_id"].is_number_unsigned());
  CHECK(j["records"][0]["whole_image"].is_boolean());
  j = run_json("enroll --json" + k + q(gallery) + " raj " + q(raj));
  CHECK(j["created"] == false);

  j = run_json("identify --json --top 2" + k + q(gallery) + " " + q(amy2));
  CHECK(j["image"] == amy2);
  CHECK(j["recognized"] == true);
  CHECK(j["name"] == "amy");
  CHECK(j["distance_sq"].is_number());
  REQUIRE(j["candidates"].size() == 2);
  CHECK(j["candidates"][0]["name"] == "amy");
  CHECK(j["candidates"][1]["distance_sq"].get<double>() >= j["candidates"][0]["distance_sq"].get<double>());
  // Not recognized: name and exit 1, the nearest still listed.
  j = run_json("identify --json --tau 0" + k + q(gallery) + " " + q(amy2), 1);
  CHECK(j["recognized"] == false);
  CHECK(j["name"].is_null());
  CHECK(j["candidates"].size() == 1);

  j = run_json("gallery list --json" + k + q(gallery));
  REQUIRE(j.size() == 2);
  CHECK(j[0]["name"] == "amy");
  CHECK(j[0]["deleted"] == false);
  j = run_json("gallery info --json" + k + q(gallery));
  CHECK(j["path"] == gallery);
  CHECK(j["persons"] == 2);
  CHECK(j["authenticated"] == true);
}

TEST_CASE("eval lfw --json into an odd file name (needs ../shared/data/lfw)" * doctest::test_suite("shared")) {
  const std::string lfw = env_or("FG_SHARED_DIR", "../shared") + "/data/lfw";
  if (!path_exists(lfw + "/pairs.txt")) {
    FG_SKIP_TEST("eval lfw --json: " << lfw << " absent");
  }
  Env env;
  // The dataset folder's name is written into the report: link LFW under an odd name.
  const std::string dir = env.dir + "/" + kOdd + "lfw";
  char abs[4096];
  REQUIRE(::realpath(lfw.c_str(), abs) != nullptr);
  REQUIRE(::symlink(abs, dir.c_str()) == 0);
  const std::string pairs = env.dir + "/" + kOdd + "pairs.txt";
  {
    std::ofstream(pairs) << "1\t1\nAaron_Peirsol\t1\t2\nAbdullah_Gul\t1\tAlan_Ball\t1\n";
  }
  const std::string out = env.dir + "/" + kOdd + "eval.json";
  const CommandResult r =
      run_command(tool_command("facegate") + " eval lfw " + q(dir) + " --pairs " + q(pairs) + " --json " + q(out) + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const std::vector<uint8_t> bytes = read_bytes(out);
  json j;
  REQUIRE_NOTHROW(j = json::parse(std::string(bytes.begin(), bytes.end())));
  CHECK(j["dataset"] == dir);
  CHECK(j["pairs"] == 2);
  CHECK(j["mean_accuracy"].is_number());
  CHECK(j["folds"].size() == 1);
  CHECK(j["roc"].is_array());
}
