// Gallery: the enrolled people, one flat file (format: docs/gallery-format.md).
//
// Usage (what `facegate enroll / identify / gallery ...` do):
//   GalleryPtr g;
//   GalleryCreateOptions c;  c.dim = 128;  c.model_id = "<encoder id>";
//   FG_RETURN_IF_ERROR(gallery_create("door.fgg", c, &g));            // new file, writer
//   GalleryOpenOptions o;  o.writer = true;  o.expected_model_id = "<encoder id>";
//   FG_RETURN_IF_ERROR(gallery_open("door.fgg", o, &g));               // existing file
//   uint64_t id;  FG_RETURN_IF_ERROR(gallery_enroll(g.get(), "Ada", emb, 128, &id));
//   std::vector<IdentifyMatch> best;
//   FG_RETURN_IF_ERROR(gallery_identify(*g, query, 128, IdentifyOptions{}, &best));
//   if (best.empty() || best[0].distance > tau) -> "not recognized"
//
// Guarantees:
// - Durable: gallery_enroll / gallery_remove_* return only after the change is fsync'd. A
//   crash (kill -9, power cut) at any moment leaves a file that opens with every record whose
//   enrol returned; a torn last record is detected by its checksum and ignored (a writer
//   truncates it away on open; GalleryInfo::dropped_tail_bytes says how much).
// - One writer: gallery_open(writer) / gallery_create take an exclusive advisory lock
//   (flock) on the file; a second writer gets a clear error instead of waiting. Readers
//   take no lock and never see half a record (a record counts only once its checksum holds).
// - Removal only marks records deleted; gallery_compact rewrites the live records into a
//   temporary file, fsyncs it and renames it over the gallery (atomic), then fsyncs the dir.
// - Record ids and person ids are never reused, compaction keeps them.
// - The file is untrusted input: every bad header/record gives an error Status naming the
//   problem, never a crash. Distances are squared L2 in embedding units (int8 galleries:
//   dequantised with the gallery's one int8 scale).
// - A person is a name: enrolling an existing live name adds a record (another photo) to that
//   person; removing by name marks all of their records deleted.
// - Authenticated (format v2, docs/gallery-format.md): with a key (runtime/gallery/gallery_key.h)
//   every record carries a MAC bound to this gallery; a record whose MAC fails is refused
//   (never used, counted in GalleryInfo::rejected_records). A v1 file, or a v2 file opened
//   without its key, opens only with GalleryOpenOptions::insecure.
// - Survives replacement: the file is read into memory (not mmapped), so truncating,
//   replacing or removing it while a reader holds it cannot crash the reader;
//   gallery_refresh re-reads, verifies, and only then swaps (on error the old contents stay).
// Thread safety: a Gallery may be read (list/info/identify) from several threads at once;
// writes (enroll/remove/compact/refresh) need exclusive access.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/gallery/gallery_format.h"
#include "runtime/gallery/gallery_key.h"
#include "runtime/base/status.h"

namespace fg {

struct Gallery;  // an open gallery file (opaque: fd, lock, mapping, index)
struct GalleryDeleter {
  void operator()(Gallery* g) const;
};
using GalleryPtr = std::unique_ptr<Gallery, GalleryDeleter>;

struct GalleryCreateOptions {
  uint32_t dim = 128;
  GalleryDtype dtype = GalleryDtype::kF32;
  // int8 only: value = q * int8_scale, q in [-127, 127]. 0.5/127 covers |x| <= 0.5, the range
  // of the face-api/dlib 128-D descriptors; enrol saturates values beyond the range.
  float int8_scale = 0.5f / 127.f;
  // Identifies the encoder that made the embeddings (e.g. the first 32 hex digits of its
  // model file's SHA-256). 1..32 printable ASCII bytes. Required.
  std::string model_id;
  // Loaded: a v2 (authenticated) gallery bound to this key. Not loaded: an unauthenticated
  // v1 gallery (opened with `insecure`).
  GalleryKey key;
};

struct GalleryOpenOptions {
  bool writer = false;            // take the write lock (enroll/remove/compact allowed)
  std::string expected_model_id;  // non-empty: refuse a gallery made by another encoder
  GalleryKey key;                 // v2: records are checked with it (must be the gallery's key)
  // Accept what cannot be authenticated: a v1 file, or a v2 file without `key` (MACs then
  // unchecked). The CLI and the door set it only for --insecure-gallery.
  bool insecure = false;
};

// What identifies the file a Gallery was read from; a change means "re-read it".
struct GalleryFileStamp {
  bool exists = false;
  uint64_t dev = 0, ino = 0;
  int64_t size = 0, mtime_ns = 0, ctime_ns = 0;
  bool operator==(const GalleryFileStamp& o) const {
    return exists == o.exists && dev == o.dev && ino == o.ino && size == o.size && mtime_ns == o.mtime_ns &&
           ctime_ns == o.ctime_ns;
  }
  bool operator!=(const GalleryFileStamp& o) const { return !(*this == o); }
};
// The stamp of the file at `path` now (exists = false when it cannot be stat'ed).
GalleryFileStamp gallery_file_stamp(const std::string& path);
// The stamp of the file when the gallery was (last) read.
GalleryFileStamp gallery_loaded_stamp(const Gallery& g);

// Creates a new gallery (refuses to overwrite) and returns it open as the writer.
Status gallery_create(const std::string& path, const GalleryCreateOptions& options,
                      GalleryPtr* out);
Status gallery_open(const std::string& path, const GalleryOpenOptions& options, GalleryPtr* out);
// Reader: re-reads the file to pick up records another process appended (or a compaction,
// or a replacement). All or nothing: on any error *g keeps its previous contents.
Status gallery_refresh(Gallery* g);

// Appends one record for `name` (1..64 bytes UTF-8; callers taking names from people run
// gallery_validate_name first). `embedding` has `dim` finite floats. v2: needs the key.
Status gallery_enroll(Gallery* g, const std::string& name, const float* embedding, size_t dim,
                      uint64_t* record_id);
Status gallery_remove_record(Gallery* g, uint64_t record_id);
// Marks every live record of `name` deleted; error if there is none.
Status gallery_remove_person(Gallery* g, const std::string& name, size_t* removed_records);
Status gallery_compact(Gallery* g);
// All or nothing: appends `count` records of `name` (embeddings: count x dim floats, row
// after row) by writing the whole new file to a temporary and renaming it over the gallery
// (the atomic replace gallery_compact uses). A crash or error leaves the gallery as it was,
// never some of the records. Ids are consecutive; returned in *record_ids.
Status gallery_enroll_batch(Gallery* g, const std::string& name, const float* embeddings, size_t count, size_t dim,
                            std::vector<uint64_t>* record_ids);

struct GalleryRecord {
  uint64_t record_id;
  uint64_t person_id;
  std::string name;
  int64_t enrolled_unix_us;
  bool deleted;   // marked deleted, or rejected
  bool rejected;  // its MAC failed: never used
};
std::vector<GalleryRecord> gallery_list(const Gallery& g, bool include_deleted = false);
// The stored embedding of a record, as floats (int8 galleries: dequantised).
Status gallery_embedding(const Gallery& g, uint64_t record_id, std::vector<float>* out);

struct GalleryInfo {
  std::string path;
  uint32_t version, dim;
  GalleryDtype dtype;
  float int8_scale;
  std::string model_id;
  uint32_t record_size;
  size_t records, live_records, deleted_records, persons;
  uint64_t file_bytes;
  uint64_t dropped_tail_bytes;  // torn/incomplete tail ignored when opening
  size_t rejected_records;      // MAC failed (v2 with a key): never used
  size_t unsafe_names;          // live records with names enrol would refuse today (warn)
  bool authenticated;           // v2, opened with its key
  bool writer;
};
GalleryInfo gallery_info(const Gallery& g);

// ---- 1:K identification ----
enum class PersonScore {
  kMinDistance,    // a person's distance = min over their live records
  kMeanEmbedding,  // distance to the mean of their live records' embeddings
};
struct IdentifyOptions {
  size_t k = 1;  // best k persons
  PersonScore score = PersonScore::kMinDistance;
};
struct IdentifyMatch {
  uint64_t person_id;
  std::string name;
  float distance;      // squared L2
  uint64_t record_id;  // kMinDistance: the nearest record; kMeanEmbedding: 0
  size_t records;      // live records of this person
};
// Best k persons, nearest first (ties: lower person id). Empty gallery -> empty result.
Status gallery_identify(const Gallery& g, const float* query, size_t dim,
                        const IdentifyOptions& options, std::vector<IdentifyMatch>* out);

}  // namespace fg
