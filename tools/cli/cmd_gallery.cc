// facegate enroll / identify / gallery: 1:K recognition against a flat-file gallery
// (runtime/gallery/gallery.h, docs/gallery-format.md).
//
// A photo's face is the largest one the pipeline finds. The bundled samples/faces/* are tight
// 150x150 chips, where the detector usually finds nothing: then the whole image is used as
// the face crop (and the command says so), which is what --crop forces.
#include <sys/stat.h>

#include <cinttypes>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_tau.h"
#include "tools/cli/annotate.h"
#include "tools/cli/cli.h"
#include "tools/cli/cli_api.h"
#include "tools/cli/json_out.h"
#include "tools/cli/progress.h"

namespace fg::cli {
namespace {

// identify --match default. `facegate eval identify` on LFW people with >= 4 photos (3 enrolled
// each, next 2 probed, 1500 / 3000 impostors, two seeds): the mean embedding beat the minimum
// over records on rank-1 (99.51 / 99.33% vs 99.34 / 99.00%) and FNIR at FPIR 0.01 (15.3 / 19.1%
// vs 35.8 / 30.6%): with min, every extra record is one more chance for an impostor to come
// close, so tau must drop further for the same FPIR.
constexpr PersonScore kDefaultMatch = PersonScore::kMeanEmbedding;

const char* match_name(PersonScore s) { return s == PersonScore::kMinDistance ? "min" : "mean"; }

bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

struct Photo {
  std::string path;
  float embedding[kEmbeddingDim];
  int faces = 0;          // faces the detector found (0 with --crop or when it found none)
  bool whole_image = false;  // the image itself was the face crop
};

std::string photo_how(const Photo& p, bool forced_crop) {
  if (forced_crop) return "image used as the face crop (--crop)";
  if (p.whole_image) return "no face detected: whole image used as the face crop";
  return p.faces == 1 ? "1 face" : "largest of " + std::to_string(p.faces) + " faces";
}

// Embeds "the face" of one photo; 0 or kExitFailure (message printed).
int embed_photo(facegate::Pipeline& pipe, bool as_crop, Photo* photo) {
  facegate::Image img;
  std::vector<facegate::Face> faces;
  if (as_crop) {
    if (facegate::Status s = facegate::load_image(photo->path, &img); !s) return failure(s.message());
  } else if (int rc = api_faces(pipe, photo->path, true, &img, &faces)) {
    return rc;
  }
  photo->faces = int(faces.size());
  if (!faces.empty()) {
    const facegate::Embedding& e = faces[api_largest_face(faces)].embedding;
    std::copy(e.begin(), e.end(), photo->embedding);
    return kExitOk;
  }
  photo->whole_image = true;
  facegate::Embedding e;
  if (facegate::Status s = pipe.embed_crop(img.view(), &e); !s) return failure(photo->path + ": " + s.message());
  std::copy(e.begin(), e.end(), photo->embedding);
  return kExitOk;
}

// Common setup of enroll / identify: pipeline options (--crop means "image is the face";
// --face-crop selects the pipeline's axis-aligned descriptor mode, as in `facegate embed`).
int open_pipeline(const std::string& command, const Args& args, facegate::Pipeline* pipe) {
  if (args.has("align") && args.has("face-crop")) return usage_error(command, "--align and --face-crop exclude each other");
  Args a = args;
  a.flags.erase("crop");
  if (a.has("face-crop")) a.flags.insert("crop");
  facegate::PipelineOptions o;
  if (int rc = api_options_from_args(command, a, &o)) return rc;
  return api_open(o, pipe);
}


const std::set<std::string> kPhotoFlags = {"help", "json", "crop", "align", "face-crop", "flip", "insecure-gallery"};

std::set<std::string> photo_values(std::initializer_list<const char*> extra) {
  std::set<std::string> v = kPipelineValueOptions;
  v.insert("gallery-key");
  for (const char* e : extra) v.insert(e);
  return v;
}

}  // namespace

int cmd_enroll(int argc, char** argv) {
  for (int i = 2; i < argc && std::string(argv[i]) != "--"; ++i)  // from a camera: cmd_enroll_live.cc
    if (std::string(argv[i]) == "--live" || std::string(argv[i]).rfind("--live=", 0) == 0) return cmd_enroll_live(argc, argv);
  Args args;
  std::string error;
  std::set<std::string> flags = kPhotoFlags;
  flags.insert("quiet");
  if (!parse_args(argc, argv, 2, photo_values({"wait"}), flags, &args, &error)) return usage_error("enroll", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate enroll [--crop] [--json] [--wait S] [pipeline options]\n"
        "                       --gallery-key KEYFILE GALLERY NAME PHOTO...\n"
        "Adds NAME to the gallery file (created if missing, mode 0600), one record per photo: one photo is\n"
        "enough, more photos of the same person help. The face of a photo is the largest one\n"
        "found; when none is found the whole image is taken as the face crop (said on stdout).\n"
        "--crop: every image already is a face crop (no detection).\n"
        "--quiet: no progress line (many photos on a terminal: photos done, rate, ETA on stderr).\n"
        "--gallery-key KEYFILE (or $FG_GALLERY_KEY; `facegate gallery keygen` makes one): records are\n"
        "signed (format v2). Without a key only --insecure-gallery enrols (format v1, no MAC).\n"
        "NAME: trimmed; letters, digits, single spaces, - _ . , @ + : (no shell metacharacters).\n"
        "A gallery made with another recognition model is refused. Exit 0 ok, 2 usage, 3 error,\n"
        "4 busy: another writer held the gallery for all of --wait SECONDS (5).\n"
        "From a camera or a stream: facegate enroll --live SOURCE GALLERY NAME (--live --help).\n");
    print_pipeline_options_help();
    return kExitOk;
  }
  if (args.positional.size() < 3) return usage_error("enroll", "give GALLERY NAME PHOTO...");
  if (int rc = reject_with_crop("enroll", args)) return rc;
  const std::string path = args.positional[0];
  std::string name;
  if (Status v = gallery_validate_name(args.positional[1], &name); !v) return usage_error("enroll", v.message());
  GalleryOpenOptions access;
  if (int rc = gallery_access_from_args("enroll", args, &access)) return rc;
  if (!access.key.loaded && !access.insecure)
    return usage_error("enroll", "give --gallery-key KEYFILE (facegate gallery keygen KEYFILE makes one), or "
                                 "--insecure-gallery for an unauthenticated format-v1 gallery");
  facegate::Pipeline pipe;
  if (int rc = open_pipeline("enroll", args, &pipe)) return rc;
  const std::string model_id = pipe.model_id();
  // Embed everything first: a bad photo enrols nothing.
  std::vector<Photo> photos(args.positional.size() - 2);
  Progress progress = progress_begin("enroll", "photos", photos.size(), args.has("quiet"));
  for (size_t i = 0; i < photos.size(); ++i) {
    photos[i].path = args.positional[i + 2];
    if (int rc = embed_photo(pipe, args.has("crop"), &photos[i])) return rc;
    progress_update(&progress, i + 1);
  }
  progress_end(&progress);
  GalleryPtr g;
  bool created = false;
  if (int rc = open_gallery_waiting("enroll", args, [&] {
        created = !file_exists(path);
        if (created) {
          GalleryCreateOptions c;
          c.dim = kEmbeddingDim;
          c.model_id = model_id;
          c.key = access.key;  // loaded: format v2; else v1 (--insecure-gallery)
          return gallery_create(path, c, &g);
        }
        GalleryOpenOptions o = access;
        o.writer = true;
        o.expected_model_id = model_id;
        return gallery_open(path, o, &g);
      }))
    return rc;
  gallery_print_warnings("enroll", *g);
  if (created && !args.has("json")) std::printf("created gallery %s (model %s)\n", path.c_str(), model_id.c_str());
  Json out;
  out["gallery"] = path;
  out["created"] = created;
  out["name"] = name;
  out["records"] = Json::array();
  for (size_t i = 0; i < photos.size(); ++i) {
    uint64_t id = 0;
    if (Status e = gallery_enroll(g.get(), name, photos[i].embedding, kEmbeddingDim, &id); !e) return failure(e.message());
    const std::string how = photo_how(photos[i], args.has("crop"));
    if (args.has("json"))
      out["records"].push_back(
          {{"image", photos[i].path}, {"record_id", id}, {"faces", photos[i].faces}, {"whole_image", photos[i].whole_image}});
    else
      std::printf("enrolled %s from %s (%s): record %" PRIu64 "\n", name.c_str(), photos[i].path.c_str(), how.c_str(), id);
  }
  if (args.has("json")) json_print(out);
  return kExitOk;
}

namespace {

// One probe of identify: its JSON object (docs/json.md) or its text lines.
Json identify_json(const Photo& photo, const std::string& match, float tau, bool recognized,
                   const std::vector<IdentifyMatch>& best) {
  Json j;
  j["image"] = photo.path;
  j["faces"] = photo.faces;
  j["whole_image"] = photo.whole_image;
  j["match"] = match;
  j["tau"] = json_fixed(tau, 4);
  j["recognized"] = recognized;
  j["name"] = recognized ? Json(best[0].name) : Json(nullptr);
  j["distance_sq"] = best.empty() ? Json(nullptr) : Json(json_fixed(best[0].distance, 6));
  j["candidates"] = Json::array();
  for (const IdentifyMatch& m : best)
    j["candidates"].push_back({{"name", m.name}, {"distance_sq", json_fixed(m.distance, 6)}, {"records", m.records}});
  return j;
}

void identify_print(const Photo& photo, bool crop, const std::string& match, float tau, bool recognized,
                    const std::vector<IdentifyMatch>& best) {
  if (photo.whole_image && !crop)
    std::printf("%s: no face detected: whole image used as the face crop\n", photo.path.c_str());
  if (best.empty())
    std::printf("%s: not recognized (the gallery is empty)\n", photo.path.c_str());
  else if (recognized)
    std::printf("%s: %s (distance_sq %.4f <= tau %.4f, %s over %zu record%s)\n", photo.path.c_str(), best[0].name.c_str(),
                best[0].distance, tau, match.c_str(), best[0].records, best[0].records == 1 ? "" : "s");
  else
    std::printf("%s: not recognized (nearest %s at distance_sq %.4f > tau %.4f)\n", photo.path.c_str(),
                best[0].name.c_str(), best[0].distance, tau);
  for (size_t i = 1; i < best.size(); ++i)
    std::printf("  #%zu %s distance_sq %.4f\n", i + 1, best[i].name.c_str(), best[i].distance);
}

}  // namespace

int cmd_identify(int argc, char** argv) {
  Args args;
  std::string error;
  std::set<std::string> flags = kPhotoFlags;
  flags.insert("quiet");
  if (!parse_args(argc, argv, 2, photo_values({"tau", "match", "top", "annotate", "fpir"}), flags, &args, &error))
    return usage_error("identify", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate identify [--fpir P | --tau T] [--match min|mean] [--top N] [--json] [--crop] [--quiet]\n"
        "                         [--gallery-key KEYFILE | --insecure-gallery] [pipeline options]\n"
        "                         GALLERY PHOTO...\n"
        "1:K: the nearest enrolled person to the photo's (largest) face and the squared L2\n"
        "distance; \"not recognized\" when it is above tau. tau follows the gallery's size: at most\n"
        "--fpir P (default %g) of searches by people not enrolled match someone (the table measured\n"
        "on LFW, docs/thresholds.md; never above the 1:1 point at FMR 1e-3); --tau T fixes it.\n"
        "Several photos: one answer each, in order (--json: an array of the objects); on a\n"
        "terminal stderr shows probes done, rate and ETA (--quiet: nothing).\n"
        "--annotate OUT.jpg: the photo with the face, landmarks, name and distance drawn (one photo).\n"
        "--match: a person's distance is the minimum over their records (min) or the distance\n"
        "to their mean embedding (mean); default %s. --top N: list N candidates.\n"
        "--gallery-key KEYFILE (or $FG_GALLERY_KEY): records failing their MAC are not used;\n"
        "a v1 gallery, or one without its key, needs --insecure-gallery.\n"
        "--crop: the image already is the face crop (no detection). --json: docs/json.md.\n"
        "Exit 0 recognized (every photo), 1 not recognized (any photo), 2 usage, 3 error (bad\n"
        "photo or gallery).\n",
        kDefaultFpir, match_name(kDefaultMatch));
    print_pipeline_options_help();
    return kExitOk;
  }
  if (args.positional.size() < 2) return usage_error("identify", "give GALLERY PHOTO...");
  const size_t probes = args.positional.size() - 1;
  if (!args.value("annotate").empty() && probes != 1) return usage_error("identify", "--annotate takes one photo");
  if (int rc = reject_with_crop("identify", args)) return rc;
  float tau = kMatchTau;
  if (!parse_tau(args, &tau)) return usage_error("identify", "--tau must be a finite number in 0..100");
  const bool tau_fixed = !args.value("tau").empty();
  float fpir = float(kDefaultFpir);
  if (!args.value("fpir").empty()) {
    if (tau_fixed) return usage_error("identify", "--tau fixes the threshold and --fpir chooses it: give one");
    if (!parse_float(args.value("fpir"), &fpir) || !(fpir > 0.f) || fpir > 0.5f)
      return usage_error("identify", "--fpir must be in (0, 0.5]");
  }
  IdentifyOptions io;
  io.score = kDefaultMatch;
  const std::string match = args.value("match", match_name(kDefaultMatch));
  if (match != "min" && match != "mean") return usage_error("identify", "--match must be min or mean");
  io.score = match == "min" ? PersonScore::kMinDistance : PersonScore::kMeanEmbedding;
  float top = 1;
  if (!args.value("top").empty() && (!parse_float(args.value("top"), &top) || top < 1 || top > 1000 || int(top) != top))
    return usage_error("identify", "--top must be 1..1000");
  io.k = size_t(top);
  GalleryOpenOptions o;
  if (int rc = gallery_access_from_args("identify", args, &o)) return rc;
  facegate::Pipeline pipe;
  if (int rc = open_pipeline("identify", args, &pipe)) return rc;
  o.expected_model_id = pipe.model_id();
  GalleryPtr g;
  if (Status s = gallery_open(args.positional[0], o, &g); !s) return failure(s.message());
  gallery_print_warnings("identify", *g);
  if (!tau_fixed) tau = tau_for_fpir(gallery_info(*g).persons, fpir, args.value("precision") == "int8").tau;
  Json out = Json::array();
  bool all_recognized = true;
  Progress progress = progress_begin("identify", "probes", probes, args.has("quiet"));
  for (size_t k = 0; k < probes; ++k) {
    Photo photo;
    photo.path = args.positional[k + 1];
    if (int rc = embed_photo(pipe, args.has("crop"), &photo)) return rc;
    std::vector<IdentifyMatch> best;
    if (Status s = gallery_identify(*g, photo.embedding, kEmbeddingDim, io, &best); !s) return failure(s.message());
    const bool recognized = !best.empty() && best[0].distance <= tau;
    all_recognized = all_recognized && recognized;
    if (!args.value("annotate").empty())
      if (int rc = annotate_identify(args.value("annotate"), pipe, photo.path, args.has("crop"),
                                     best.empty() ? "" : best[0].name, best.empty() ? 0 : best[0].distance, tau,
                                     recognized))
        return rc;
    if (args.has("json")) {
      Json j = identify_json(photo, match, tau, recognized, best);
      j["fpir"] = tau_fixed ? Json(nullptr) : Json(json_fixed(fpir, 6));
      out.push_back(std::move(j));
    }
    else identify_print(photo, args.has("crop"), match, tau, recognized, best);
    progress_update(&progress, k + 1);
  }
  progress_end(&progress);
  // One photo: the object itself, as before; several: the array, in argument order.
  if (args.has("json")) json_print(probes == 1 ? out[0] : out);
  return all_recognized ? kExitOk : kExitNegative;
}

namespace {

std::string format_time(int64_t unix_us) {
  const time_t t = time_t(unix_us / 1000000);
  struct tm tm;
  char buf[32];
  if (!gmtime_r(&t, &tm) || !std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm)) return "?";
  return buf;
}

int gallery_list_cmd(const Gallery& g, const Args& args) {
  const std::vector<GalleryRecord> records = gallery_list(g, args.has("all"));
  if (args.has("json")) {
    Json out = Json::array();
    for (const GalleryRecord& r : records)
      out.push_back({{"record_id", r.record_id}, {"person_id", r.person_id}, {"name", r.name},
                     {"enrolled", format_time(r.enrolled_unix_us)}, {"deleted", r.deleted}});
    json_print(out);
    return kExitOk;
  }
  std::printf("%-8s %-8s %-20s %-32s\n", "record", "person", "enrolled (UTC)", "name");
  for (const GalleryRecord& r : records)
    std::printf("%-8" PRIu64 " %-8" PRIu64 " %-20s %s%s\n", r.record_id, r.person_id, format_time(r.enrolled_unix_us).c_str(),
                r.name.c_str(), r.deleted ? "  (deleted)" : "");
  return kExitOk;
}

int gallery_info_cmd(const Gallery& g, const Args& args) {
  const GalleryInfo i = gallery_info(g);
  const char* dtype = i.dtype == GalleryDtype::kF32 ? "f32" : "int8";
  if (args.has("json")) {
    json_print({{"path", i.path}, {"version", i.version}, {"dim", i.dim}, {"dtype", dtype}, {"model_id", i.model_id},
                {"record_size", i.record_size}, {"records", i.records}, {"live_records", i.live_records},
                {"deleted_records", i.deleted_records}, {"persons", i.persons}, {"file_bytes", i.file_bytes},
                {"dropped_tail_bytes", i.dropped_tail_bytes}, {"authenticated", i.authenticated},
                {"rejected_records", i.rejected_records}});
    return kExitOk;
  }
  std::printf("gallery   %s\nversion   %u\nmodel id  %s\nembedding %u x %s (record %u bytes)\n", i.path.c_str(), i.version,
              i.model_id.c_str(), i.dim, dtype, i.record_size);
  std::printf("persons   %zu\nrecords   %zu live, %zu deleted (compact reclaims them)\nfile      %" PRIu64 " bytes\n",
              i.persons, i.live_records, i.deleted_records, i.file_bytes);
  std::printf("auth      %s\n", i.authenticated ? "MAC checked with the key (format v2)" : "NOT authenticated");
  if (i.rejected_records) std::printf("rejected  %zu records failed the MAC check (not used)\n", i.rejected_records);
  if (i.dropped_tail_bytes)
    std::printf("torn tail %" PRIu64 " bytes ignored (an interrupted enrolment)\n", i.dropped_tail_bytes);
  return kExitOk;
}

}  // namespace

int cmd_gallery(int argc, char** argv) {
  if (argc > 2 && std::string(argv[2]) == "publish") return cmd_gallery_publish(argc, argv);  // its own options
  Args args;
  std::string error;
  if (!parse_args(argc, argv, 2, {"gallery-key", "old-key", "wait"}, {"help", "json", "all", "insecure-gallery"}, &args, &error))
    return usage_error("gallery", error);
  if (args.has("help") || args.positional.empty()) {
    std::printf(
        "usage: facegate gallery list GALLERY [--all] [--json]   records (--all: deleted ones too)\n"
        "       facegate gallery info GALLERY [--json]           header, counts, file size\n"
        "       facegate gallery remove GALLERY NAME             mark all of NAME's records deleted\n"
        "       facegate gallery compact GALLERY                 rewrite without deleted records\n"
        "       facegate gallery keygen KEYFILE                  new key: 32 random bytes, mode 0600\n"
        "       facegate gallery migrate OLD NEW --gallery-key KEYFILE [--old-key KEYFILE]\n"
        "                                  copy OLD's live records into a NEW signed gallery (format v2)\n"
        "       facegate gallery publish GALLERY --mqtt URL --topic T --sign-key KEYFILE   signed snapshot for doors\n"
        "Reading a gallery: --gallery-key KEYFILE (or $FG_GALLERY_KEY); a v1 gallery, or one without\n"
        "its key, needs --insecure-gallery. remove/compact wait up to --wait SECONDS (5) for another\n"
        "writer to finish. Exit 0 ok, 2 usage, 3 bad gallery / unknown name, 4 busy (still locked after --wait).\n");
    return args.has("help") ? kExitOk : usage_error("gallery", "give list|info|remove|compact GALLERY");
  }
  const std::string& action = args.positional[0];
  if (action == "keygen") return gallery_keygen_cmd(args);
  if (action == "migrate") return gallery_migrate_cmd(args);
  const bool write = action == "remove" || action == "compact";
  if (action != "list" && action != "info" && !write)
    return usage_error("gallery", "unknown action '" + action + "' (list, info, remove, compact, keygen, migrate)");
  const size_t want = action == "remove" ? 3 : 2;
  if (args.positional.size() != want)
    return usage_error("gallery", action == "remove" ? "give remove GALLERY NAME" : "give " + action + " GALLERY");
  GalleryOpenOptions o;
  if (int rc = gallery_access_from_args("gallery", args, &o)) return rc;
  o.writer = write;
  GalleryPtr g;
  if (int rc = open_gallery_waiting("gallery", args, [&] { return gallery_open(args.positional[1], o, &g); })) return rc;
  gallery_print_warnings("gallery", *g);
  if (action == "list") return gallery_list_cmd(*g, args);
  if (action == "info") return gallery_info_cmd(*g, args);
  if (action == "remove") {
    size_t removed = 0;
    if (Status s = gallery_remove_person(g.get(), args.positional[2], &removed); !s) return failure(s.message());
    std::printf("removed %s (%zu record%s marked deleted)\n", args.positional[2].c_str(), removed, removed == 1 ? "" : "s");
    return kExitOk;
  }
  const GalleryInfo before = gallery_info(*g);
  if (Status s = gallery_compact(g.get()); !s) return failure(s.message());
  const GalleryInfo after = gallery_info(*g);
  std::printf("compacted %s: %zu records kept, %zu deleted dropped, %" PRIu64 " -> %" PRIu64 " bytes\n", after.path.c_str(),
              after.records, before.deleted_records, before.file_bytes, after.file_bytes);
  return kExitOk;
}

}  // namespace fg::cli
