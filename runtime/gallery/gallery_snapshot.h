// Gallery snapshot: a whole gallery file cut into signed MQTT messages, so one publisher can
// feed many doors (docs/mqtt.md, "One gallery for many doors"). Pure functions over bytes (no
// I/O, no network), so the parser is fuzzed (tests/fuzz/fuzz_gallery_snapshot.cc).
//
//   topic T    manifest = "FGGSNAP1" | u32 version (1) | u32 manifest_bytes | gallery_id[16]
//                         | u64 sequence | i64 published_unix_us | u64 total_bytes
//                         | u32 chunk_bytes | u32 chunk_count | sha256(gallery)[32]
//                         | sha256(chunk i)[32] x chunk_count | hmac[32]
//              hmac = HMAC-SHA256(sign key, "facegate-gallery-snapshot-v1" | manifest bytes before it)
//   topic T/i  chunk    = "FGGCHNK1" | u64 sequence | u32 index | u32 data_bytes | data
//
// Little-endian. The manifest is the only signed message; it names every chunk by hash, so a
// chunk is checked the moment it arrives and the whole file once more after assembly. The
// publisher sends the chunks first and the manifest LAST (all retained): a door assembles only
// what a manifest vouches for, never half a publish. A sequence is accepted only when it is
// greater than the last one installed (replay of an older, still validly signed gallery).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/gallery/gallery_key.h"

namespace fg {

constexpr char kSnapshotMagic[8] = {'F', 'G', 'G', 'S', 'N', 'A', 'P', '1'};
constexpr char kSnapshotChunkMagic[8] = {'F', 'G', 'G', 'C', 'H', 'N', 'K', '1'};
constexpr uint32_t kSnapshotVersion = 1;
constexpr size_t kSnapshotManifestFixedBytes = 96, kSnapshotChunkHeaderBytes = 24, kSnapshotHashBytes = 32;
// Hard cap on the gallery a door accepts: 64 MiB is ~100,000 f32 128-D people (640 B a
// record); a door briefly holds up to three copies while switching (chunks + the assembled
// file, then the opened copy + the one in use). Checked before anything is kept.
constexpr uint64_t kSnapshotMaxBytes = uint64_t(64) << 20;
constexpr uint32_t kSnapshotDefaultChunkBytes = 256 << 10;
// Mosquitto's default max packet is far above 1 MiB; below 1 KiB the manifest outgrows the data.
constexpr uint32_t kSnapshotMinChunkBytes = 1 << 10, kSnapshotMaxChunkBytes = 1 << 20;

using SnapshotHash = std::array<uint8_t, kSnapshotHashBytes>;

struct SnapshotManifest {
  uint8_t gallery_id[kGalleryIdBytes] = {};  // the gallery's v2 id (zero for v1)
  uint64_t sequence = 0;
  int64_t published_unix_us = 0;
  uint64_t total_bytes = 0;
  uint32_t chunk_bytes = 0, chunk_count = 0;
  SnapshotHash sha256{};
  std::vector<SnapshotHash> chunk_sha256;
};

struct SnapshotMessages {
  std::string manifest;             // retained on T, published last
  std::vector<std::string> chunks;  // retained on T/0 .. T/n-1
};

// Cuts `gallery` (a gallery file's bytes, 1..kSnapshotMaxBytes) into chunks and signs the manifest.
Status snapshot_build(const uint8_t* gallery, size_t size, uint64_t sequence, int64_t published_unix_us,
                      uint32_t chunk_bytes, const GalleryKey& sign_key, SnapshotMessages* out);
// Encodes and signs `m` as it is (no checks: snapshot_build for real use; tests forge with it).
std::string snapshot_manifest_encode(const SnapshotManifest& m, const GalleryKey& sign_key);
// Parses and authenticates a manifest. The error says why (not a manifest, truncated, bad
// signature, oversize...); nothing of an unauthenticated manifest is returned.
Status snapshot_manifest_parse(const uint8_t* data, size_t size, const GalleryKey& sign_key, SnapshotManifest* out);

struct SnapshotChunk {
  uint64_t sequence = 0;
  uint32_t index = 0;
  const uint8_t* data = nullptr;  // into the parsed message
  size_t size = 0;
};
// Structure only (the manifest says whether the data is right).
Status snapshot_chunk_parse(const uint8_t* data, size_t size, SnapshotChunk* out);

// Assembles one snapshot from messages in any order (chunks before or after their manifest,
// duplicates, stale chunks of older publishes). Memory is bounded: chunks are kept for one
// sequence only (the newest seen), at most kSnapshotMaxBytes of them.
struct SnapshotAssembler {
  uint64_t installed = 0;  // the caller sets it after installing a snapshot (0: none yet)
  bool pending = false;    // a verified manifest is waiting for its chunks
  SnapshotManifest manifest;
  uint64_t chunks_sequence = 0;             // the sequence `chunks` belong to
  std::map<uint32_t, std::string> chunks;   // index -> data (verified once `pending`)
  // index -> SHA-256 of chunks[index], computed as each chunk arrives: the manifest comes
  // last, and hashing every chunk only then would put all of it on the install's critical path.
  std::map<uint32_t, SnapshotHash> chunk_sha256;
  size_t chunk_data_bytes = 0;
};
enum class SnapshotStep { kNothing, kComplete, kRefused };
// A manifest arrived. kRefused: *reason says why (bad signature, replayed, chunk mismatch...).
// kNothing also covers "this sequence is already installed" (the retained copy after a reconnect).
SnapshotStep snapshot_assembler_manifest(SnapshotAssembler* a, const uint8_t* data, size_t size,
                                         const GalleryKey& sign_key, std::string* reason);
// A chunk arrived on T/<topic_index>.
SnapshotStep snapshot_assembler_chunk(SnapshotAssembler* a, uint32_t topic_index, const uint8_t* data, size_t size,
                                      std::string* reason);
// After kComplete: the gallery bytes and its manifest; the assembler forgets them. Every chunk
// has been checked against its signed SHA-256 and signed size, and the signed count covers the
// signed total, so the bytes are exactly what was signed: the manifest's whole-file SHA-256 is
// not computed again (it would be 6 MB of hashing, for 10,000 people, adding no assurance).
Status snapshot_assembler_take(SnapshotAssembler* a, std::string* gallery, SnapshotManifest* manifest);
// Chunks of the pending manifest still missing.
size_t snapshot_assembler_missing(const SnapshotAssembler& a);
// Drops the pending manifest and its chunks (e.g. it stayed incomplete too long).
void snapshot_assembler_reset(SnapshotAssembler* a);

}  // namespace fg
