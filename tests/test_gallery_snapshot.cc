// The gallery snapshot format (runtime/gallery/gallery_snapshot.h): build -> parse -> assemble
// round trip in every message order, and every way a snapshot must be refused: unsigned,
// wrong key, any flipped manifest byte, truncated manifest or chunk, altered chunk, replayed
// (older) sequence, oversize. No broker: tests/test_gallery_mqtt.cc does it over MQTT.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/gallery/gallery_snapshot.h"

using namespace fg;

namespace {

GalleryKey key_of(uint8_t seed) {
  GalleryKey k;
  for (size_t i = 0; i < kGalleryKeyBytes; ++i) k.bytes[i] = (uint8_t)(seed + i * 13);
  k.loaded = true;
  return k;
}

std::string payload(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = (char)(rng() & 0xff);
  return s;
}

const uint8_t* u8(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

SnapshotMessages build(const std::string& data, uint64_t seq, const GalleryKey& k, uint32_t chunk = 1024) {
  SnapshotMessages m;
  REQUIRE(snapshot_build(u8(data), data.size(), seq, 1700000000000000, chunk, k, &m).is_ok());
  return m;
}

// Feeds chunks in `order` then the manifest (or the manifest first); returns the last step.
SnapshotStep feed(SnapshotAssembler* a, const SnapshotMessages& m, const GalleryKey& k, bool manifest_first,
                  std::vector<uint32_t> order, std::string* why) {
  SnapshotStep last = SnapshotStep::kNothing;
  if (manifest_first) last = snapshot_assembler_manifest(a, u8(m.manifest), m.manifest.size(), k, why);
  for (uint32_t i : order) {
    if (last == SnapshotStep::kRefused) return last;
    last = snapshot_assembler_chunk(a, i, u8(m.chunks[i]), m.chunks[i].size(), why);
  }
  if (!manifest_first && last != SnapshotStep::kRefused)
    last = snapshot_assembler_manifest(a, u8(m.manifest), m.manifest.size(), k, why);
  return last;
}

std::vector<uint32_t> iota(size_t n) {
  std::vector<uint32_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = (uint32_t)i;
  return v;
}

}  // namespace

TEST_CASE("snapshot: round trip, chunks before or after the manifest, any order, duplicates") {
  const GalleryKey k = key_of(1);
  const std::string data = payload(5000, 7);  // 4 full chunks of 1024 + 904
  const SnapshotMessages m = build(data, 42, k);
  REQUIRE(m.chunks.size() == 5);
  SnapshotManifest parsed;
  REQUIRE(snapshot_manifest_parse(u8(m.manifest), m.manifest.size(), k, &parsed).is_ok());
  CHECK(parsed.sequence == 42);
  CHECK(parsed.total_bytes == 5000);
  CHECK(parsed.chunk_count == 5);
  for (bool manifest_first : {true, false}) {
    std::vector<uint32_t> order = {3, 0, 4, 4, 1, 2, 0};
    SnapshotAssembler a;
    std::string why;
    CHECK(feed(&a, m, k, manifest_first, order, &why) == SnapshotStep::kComplete);
    std::string out;
    SnapshotManifest got;
    REQUIRE(snapshot_assembler_take(&a, &out, &got).is_ok());
    CHECK(out == data);
    CHECK(got.sequence == 42);
    a.installed = 42;
    // The retained copy again (a reconnect): nothing to do, nothing refused.
    CHECK(feed(&a, m, k, manifest_first, iota(5), &why) == SnapshotStep::kNothing);
  }
}

TEST_CASE("snapshot: unsigned, wrong key, flipped bytes, truncated manifest are refused") {
  const GalleryKey k = key_of(1), other = key_of(2);
  const SnapshotMessages m = build(payload(3000, 1), 5, k);
  SnapshotManifest out;
  Status s = snapshot_manifest_parse(u8(m.chunks[0]), m.chunks[0].size(), k, &out);
  CHECK(s.message().find("unsigned") != std::string::npos);
  const std::string raw_gallery = "FGGALLRY" + payload(500, 3);  // a gallery file published as it is
  s = snapshot_manifest_parse(u8(raw_gallery), raw_gallery.size(), k, &out);
  CHECK(s.message().find("unsigned") != std::string::npos);
  s = snapshot_manifest_parse(u8(m.manifest), m.manifest.size(), other, &out);
  CHECK(s.message().find("bad signature") != std::string::npos);
  for (size_t i = 0; i < m.manifest.size(); ++i) {
    std::string bad = m.manifest;
    bad[i] ^= 0x01;
    INFO("byte " << i);
    CHECK_FALSE(snapshot_manifest_parse(u8(bad), bad.size(), k, &out).is_ok());
  }
  for (size_t n : {0, 7, 8, 100, (int)m.manifest.size() - 1}) {
    INFO("length " << n);
    CHECK_FALSE(snapshot_manifest_parse(u8(m.manifest), n, k, &out).is_ok());
  }
  std::string longer = m.manifest + "x";
  CHECK_FALSE(snapshot_manifest_parse(u8(longer), longer.size(), k, &out).is_ok());
}

TEST_CASE("snapshot: a truncated or altered chunk refuses the snapshot, before or after the manifest") {
  const GalleryKey k = key_of(1);
  const SnapshotMessages m = build(payload(4000, 9), 8, k);
  for (bool manifest_first : {true, false}) {
    SnapshotMessages bad = m;
    bad.chunks[2].resize(bad.chunks[2].size() - 10);  // truncated: header says more
    SnapshotAssembler a;
    std::string why;
    CHECK(feed(&a, bad, k, manifest_first, iota(4), &why) == SnapshotStep::kRefused);
    CHECK(why.find("truncated") != std::string::npos);
    // Header consistent, data shorter than signed.
    bad = m;
    bad.chunks[1].resize(bad.chunks[1].size() - 10);
    const uint32_t n = (uint32_t)(bad.chunks[1].size() - kSnapshotChunkHeaderBytes);
    std::memcpy(&bad.chunks[1][20], &n, 4);
    SnapshotAssembler b;
    CHECK(feed(&b, bad, k, manifest_first, iota(4), &why) == SnapshotStep::kRefused);
    CHECK(why.find("chunk 1") != std::string::npos);
    bad = m;
    bad.chunks[3].back() ^= 0x40;  // altered data, same length
    SnapshotAssembler c;
    CHECK(feed(&c, bad, k, manifest_first, iota(4), &why) == SnapshotStep::kRefused);
    CHECK(why.find("altered") != std::string::npos);
  }
  // Wrong topic index for a chunk.
  SnapshotAssembler a;
  std::string why;
  CHECK(snapshot_assembler_chunk(&a, 1, u8(m.chunks[0]), m.chunks[0].size(), &why) == SnapshotStep::kRefused);
}

TEST_CASE("snapshot: an older sequence is a replay; a newer one supersedes a half-assembled one") {
  const GalleryKey k = key_of(1);
  const SnapshotMessages old_m = build(payload(2000, 1), 10, k), new_m = build(payload(2500, 2), 11, k);
  SnapshotAssembler a;
  std::string why;
  REQUIRE(feed(&a, new_m, k, true, iota(new_m.chunks.size()), &why) == SnapshotStep::kComplete);
  std::string out;
  SnapshotManifest got;
  REQUIRE(snapshot_assembler_take(&a, &out, &got).is_ok());
  a.installed = got.sequence;
  CHECK(snapshot_assembler_manifest(&a, u8(old_m.manifest), old_m.manifest.size(), k, &why) == SnapshotStep::kRefused);
  CHECK(why.find("replayed") != std::string::npos);
  // Half of 12, then all of 13: 13 wins, 12's manifest arriving late is a replay.
  const SnapshotMessages m12 = build(payload(3000, 3), 12, k), m13 = build(payload(3000, 4), 13, k);
  CHECK(snapshot_assembler_chunk(&a, 0, u8(m12.chunks[0]), m12.chunks[0].size(), &why) == SnapshotStep::kNothing);
  CHECK(feed(&a, m13, k, false, iota(m13.chunks.size()), &why) == SnapshotStep::kComplete);
  REQUIRE(snapshot_assembler_take(&a, &out, &got).is_ok());
  CHECK(got.sequence == 13);
  CHECK(out == payload(3000, 4));
}

TEST_CASE("snapshot: oversize manifests and floods of unsigned chunks are refused, bounded") {
  const GalleryKey k = key_of(1);
  SnapshotManifest big;
  big.sequence = 3;
  big.chunk_bytes = kSnapshotMaxChunkBytes;
  big.total_bytes = kSnapshotMaxBytes + 1;
  big.chunk_count = (uint32_t)((big.total_bytes + big.chunk_bytes - 1) / big.chunk_bytes);
  big.chunk_sha256.resize(big.chunk_count);
  const std::string mb = snapshot_manifest_encode(big, k);
  SnapshotManifest out;
  Status s = snapshot_manifest_parse(u8(mb), mb.size(), k, &out);
  CHECK(s.message().find("oversize") != std::string::npos);
  // build refuses it too.
  std::string huge(kSnapshotMaxBytes + 1, 'x');
  SnapshotMessages m;
  CHECK_FALSE(snapshot_build(u8(huge), huge.size(), 1, 0, kSnapshotMaxChunkBytes, k, &m).is_ok());
  // Chunks without a manifest: at most kSnapshotMaxBytes kept.
  SnapshotAssembler a;
  std::string chunk(kSnapshotChunkMagic, 8);
  const uint64_t seq = 99;
  chunk.append(reinterpret_cast<const char*>(&seq), 8);
  chunk.append(8, '\0');
  chunk.append(kSnapshotMaxChunkBytes, 'y');
  const uint32_t n = kSnapshotMaxChunkBytes;
  std::memcpy(&chunk[20], &n, 4);
  std::string why;
  bool refused = false;
  for (uint32_t i = 0; i < 80 && !refused; ++i) {
    std::memcpy(&chunk[16], &i, 4);
    refused = snapshot_assembler_chunk(&a, i, u8(chunk), chunk.size(), &why) == SnapshotStep::kRefused;
    CHECK(a.chunk_data_bytes <= kSnapshotMaxBytes);
  }
  CHECK(refused);
  CHECK(why.find("oversize") != std::string::npos);
}
