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
#include "tools/cli/cli.h"

namespace fg::cli {
namespace {

// identify --match default. `facegate eval identify` on LFW people with >= 4 photos (3 enrolled
// each, next 2 probed, 1500 / 3000 impostors, two seeds): the mean embedding beat the minimum
// over records on rank-1 (99.51 / 99.33% vs 99.34 / 99.00%) and FNIR at FPIR 0.01 (15.3 / 19.1%
// vs 35.8 / 30.6%): with min, every extra record is one more chance for an impostor to come
// close, so tau must drop further for the same FPIR.
constexpr PersonScore kDefaultMatch = PersonScore::kMeanEmbedding;

const char* match_name(PersonScore s) { return s == PersonScore::kMinDistance ? "min" : "mean"; }

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += char(c);
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else out += char(c);
  }
  return out + "\"";
}

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
int embed_photo(FacePipeline& pipe, bool as_crop, Photo* photo) {
  Image img;
  Status s = image_load(photo->path, 3, &img);
  std::vector<PipelineFace> faces;
  if (s && !as_crop) s = face_pipeline_run(pipe, img, &faces);
  if (!s) return failure(s.message());
  photo->faces = int(faces.size());
  if (!faces.empty()) {
    const PipelineFace& f = faces[largest_face(faces)];
    std::copy(f.embedding, f.embedding + kEmbeddingDim, photo->embedding);
    return kExitOk;
  }
  photo->whole_image = true;
  if (Status e = face_encoder_embed(pipe.encoder, img, photo->embedding); !e) return failure(e.with_context(photo->path).message());
  return kExitOk;
}

// Common setup of enroll / identify: pipeline options (--crop means "image is the face";
// --face-crop selects the pipeline's axis-aligned descriptor mode, as in `facegate embed`).
int open_pipeline(const std::string& command, const Args& args, FacePipeline* pipe) {
  if (args.has("align") && args.has("face-crop")) return usage_error(command, "--align and --face-crop exclude each other");
  Args a = args;
  a.flags.erase("crop");
  if (a.has("face-crop")) a.flags.insert("crop");
  FacePipelineOptions opt;
  std::string model_dir;
  if (int rc = pipeline_options_from_args(command, a, &opt, &model_dir)) return rc;
  if (Status s = face_pipeline_open(model_dir, opt, pipe); !s) return failure(s.message());
  return kExitOk;
}


const std::set<std::string> kPhotoFlags = {"help", "json", "crop", "align", "face-crop", "insecure-gallery"};

std::set<std::string> photo_values(std::initializer_list<const char*> extra) {
  std::set<std::string> v = kPipelineValueOptions;
  v.insert("gallery-key");
  for (const char* e : extra) v.insert(e);
  return v;
}

}  // namespace

int cmd_enroll(int argc, char** argv) {
  Args args;
  std::string error;
  if (!parse_args(argc, argv, 2, photo_values({"wait"}), kPhotoFlags, &args, &error)) return usage_error("enroll", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate enroll [--crop] [--json] [--align|--face-crop] [--input-size N] [--score T]\n"
        "                       [--backend B] [--models DIR] --gallery-key KEYFILE GALLERY NAME PHOTO...\n"
        "Adds NAME to the gallery file (created if missing, mode 0600), one record per photo: one photo is\n"
        "enough, more photos of the same person help. The face of a photo is the largest one\n"
        "found; when none is found the whole image is taken as the face crop (said on stdout).\n"
        "--crop: every image already is a face crop (no detection).\n"
        "--gallery-key KEYFILE (or $FG_GALLERY_KEY; `facegate gallery keygen` makes one): records are\n"
        "signed (format v2). Without a key only --insecure-gallery enrols (format v1, no MAC).\n"
        "NAME: trimmed; letters, digits, single spaces, - _ . , @ + : (no shell metacharacters).\n"
        "A gallery made with another recognition model is refused. Exit 0 ok, 2 usage, 3 error,\n"
        "4 busy: another writer held the gallery for all of --wait SECONDS (5).\n");
    return kExitOk;
  }
  if (args.positional.size() < 3) return usage_error("enroll", "give GALLERY NAME PHOTO...");
  const std::string path = args.positional[0];
  std::string name;
  if (Status v = gallery_validate_name(args.positional[1], &name); !v) return usage_error("enroll", v.message());
  GalleryOpenOptions access;
  if (int rc = gallery_access_from_args("enroll", args, &access)) return rc;
  if (!access.key.loaded && !access.insecure)
    return usage_error("enroll", "give --gallery-key KEYFILE (facegate gallery keygen KEYFILE makes one), or "
                                 "--insecure-gallery for an unauthenticated format-v1 gallery");
  FacePipeline pipe;
  if (int rc = open_pipeline("enroll", args, &pipe)) return rc;
  const std::string model_id = encoder_model_id(pipe.encoder.model);
  // Embed everything first: a bad photo enrols nothing.
  std::vector<Photo> photos(args.positional.size() - 2);
  for (size_t i = 0; i < photos.size(); ++i) {
    photos[i].path = args.positional[i + 2];
    if (int rc = embed_photo(pipe, args.has("crop"), &photos[i])) return rc;
  }
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
  if (args.has("json")) std::printf("{\"gallery\": %s, \"created\": %s, \"name\": %s, \"records\": [", json_string(path).c_str(),
                                    created ? "true" : "false", json_string(name).c_str());
  for (size_t i = 0; i < photos.size(); ++i) {
    uint64_t id = 0;
    if (Status e = gallery_enroll(g.get(), name, photos[i].embedding, kEmbeddingDim, &id); !e) return failure(e.message());
    const std::string how = photo_how(photos[i], args.has("crop"));
    if (args.has("json"))
      std::printf("%s{\"photo\": %s, \"record_id\": %" PRIu64 ", \"faces\": %d, \"whole_image\": %s}", i ? ", " : "",
                  json_string(photos[i].path).c_str(), id, photos[i].faces, photos[i].whole_image ? "true" : "false");
    else
      std::printf("enrolled %s from %s (%s): record %" PRIu64 "\n", name.c_str(), photos[i].path.c_str(), how.c_str(), id);
  }
  if (args.has("json")) std::printf("]}\n");
  return kExitOk;
}

int cmd_identify(int argc, char** argv) {
  Args args;
  std::string error;
  if (!parse_args(argc, argv, 2, photo_values({"match", "top"}), kPhotoFlags, &args, &error))
    return usage_error("identify", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate identify [--tau T] [--match min|mean] [--top N] [--json] [--crop]\n"
        "                         [--align|--face-crop] [--backend B] [--models DIR]\n"
        "                         [--gallery-key KEYFILE | --insecure-gallery] GALLERY PHOTO\n"
        "1:K: the nearest enrolled person to the photo's (largest) face and the squared L2\n"
        "distance; \"not recognized\" when it is above tau (default %.2f, verify's LFW tau; in\n"
        "1:K the false-positive rate grows with the gallery size: see eval identify).\n"
        "--match: a person's distance is the minimum over their records (min) or the distance\n"
        "to their mean embedding (mean); default %s. --top N: list N candidates.\n"
        "--gallery-key KEYFILE (or $FG_GALLERY_KEY): records failing their MAC are not used;\n"
        "a v1 gallery, or one without its key, needs --insecure-gallery.\n"
        "Exit 0 recognized, 1 not recognized, 2 usage, 3 error (bad photo or gallery).\n",
        kMatchTau, match_name(kDefaultMatch));
    return kExitOk;
  }
  if (args.positional.size() != 2) return usage_error("identify", "give GALLERY PHOTO");
  float tau = kMatchTau;
  if (!parse_tau(args, &tau)) return usage_error("identify", "--tau must be a finite number in 0..100");
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
  FacePipeline pipe;
  if (int rc = open_pipeline("identify", args, &pipe)) return rc;
  o.expected_model_id = encoder_model_id(pipe.encoder.model);
  GalleryPtr g;
  if (Status s = gallery_open(args.positional[0], o, &g); !s) return failure(s.message());
  gallery_print_warnings("identify", *g);
  Photo photo;
  photo.path = args.positional[1];
  if (int rc = embed_photo(pipe, args.has("crop"), &photo)) return rc;
  std::vector<IdentifyMatch> best;
  if (Status s = gallery_identify(*g, photo.embedding, kEmbeddingDim, io, &best); !s) return failure(s.message());
  const bool recognized = !best.empty() && best[0].distance <= tau;
  if (args.has("json")) {
    std::printf("{\"photo\": %s, \"faces\": %d, \"whole_image\": %s, \"match\": \"%s\", \"tau\": %.4f, \"recognized\": %s, ",
                json_string(photo.path).c_str(), photo.faces, photo.whole_image ? "true" : "false", match.c_str(), tau,
                recognized ? "true" : "false");
    std::printf("\"name\": %s, \"distance_sq\": ", recognized ? json_string(best[0].name).c_str() : "null");
    if (best.empty()) std::printf("null");
    else std::printf("%.6f", best[0].distance);
    std::printf(", \"candidates\": [");
    for (size_t i = 0; i < best.size(); ++i)
      std::printf("%s{\"name\": %s, \"distance_sq\": %.6f, \"records\": %zu}", i ? ", " : "", json_string(best[i].name).c_str(),
                  best[i].distance, best[i].records);
    std::printf("]}\n");
  } else {
    if (photo.whole_image && !args.has("crop"))
      std::printf("%s: no face detected: whole image used as the face crop\n", photo.path.c_str());
    if (best.empty())
      std::printf("%s: not recognized (the gallery is empty)\n", photo.path.c_str());
    else if (recognized)
      std::printf("%s: %s (distance_sq %.4f <= tau %.2f, %s over %zu record%s)\n", photo.path.c_str(), best[0].name.c_str(),
                  best[0].distance, tau, match.c_str(), best[0].records, best[0].records == 1 ? "" : "s");
    else
      std::printf("%s: not recognized (nearest %s at distance_sq %.4f > tau %.2f)\n", photo.path.c_str(),
                  best[0].name.c_str(), best[0].distance, tau);
    for (size_t i = 1; i < best.size(); ++i)
      std::printf("  #%zu %s distance_sq %.4f\n", i + 1, best[i].name.c_str(), best[i].distance);
  }
  return recognized ? kExitOk : kExitNegative;
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
    std::printf("[");
    for (size_t i = 0; i < records.size(); ++i) {
      const GalleryRecord& r = records[i];
      std::printf("%s\n  {\"record_id\": %" PRIu64 ", \"person_id\": %" PRIu64 ", \"name\": %s, \"enrolled\": \"%s\", "
                  "\"deleted\": %s}", i ? "," : "", r.record_id, r.person_id, json_string(r.name).c_str(),
                  format_time(r.enrolled_unix_us).c_str(), r.deleted ? "true" : "false");
    }
    std::printf("\n]\n");
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
    std::printf("{\"path\": %s, \"version\": %u, \"dim\": %u, \"dtype\": \"%s\", \"model_id\": %s, \"record_size\": %u, "
                "\"records\": %zu, \"live_records\": %zu, \"deleted_records\": %zu, \"persons\": %zu, "
                "\"file_bytes\": %" PRIu64 ", \"dropped_tail_bytes\": %" PRIu64 ", \"authenticated\": %s, "
                "\"rejected_records\": %zu}\n",
                json_string(i.path).c_str(), i.version, i.dim, dtype, json_string(i.model_id).c_str(), i.record_size,
                i.records, i.live_records, i.deleted_records, i.persons, i.file_bytes, i.dropped_tail_bytes,
                i.authenticated ? "true" : "false", i.rejected_records);
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
