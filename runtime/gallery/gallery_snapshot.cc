#include "runtime/gallery/gallery_snapshot.h"

#include <sodium.h>

#include <cstring>

#include "runtime/gallery/gallery_format.h"

namespace fg {
namespace {

constexpr char kDomain[] = "facegate-gallery-snapshot-v1";
// More chunks than this cannot fit under the cap at the smallest chunk size.
constexpr uint64_t kMaxChunks = kSnapshotMaxBytes / kSnapshotMinChunkBytes;

void put32(std::string* s, uint32_t v) { s->append(reinterpret_cast<const char*>(&v), 4); }
void put64(std::string* s, uint64_t v) { s->append(reinterpret_cast<const char*>(&v), 8); }
uint32_t get32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
uint64_t get64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

SnapshotHash sha256(const uint8_t* p, size_t n) {
  SnapshotHash h;
  crypto_hash_sha256(h.data(), p, n);
  return h;
}

void manifest_mac(const GalleryKey& key, const uint8_t* p, size_t n, uint8_t out[kSnapshotHashBytes]) {
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key.bytes, kGalleryKeyBytes);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(kDomain), sizeof kDomain - 1);
  crypto_auth_hmacsha256_update(&st, p, n);
  crypto_auth_hmacsha256_final(&st, out);
}

size_t expected_chunk_size(const SnapshotManifest& m, uint32_t i) {
  return i + 1 < m.chunk_count ? m.chunk_bytes : (size_t)(m.total_bytes - (uint64_t)m.chunk_bytes * (m.chunk_count - 1));
}

// "" when chunk i's data (whose SHA-256 is `h`) is the one the manifest signed.
std::string check_chunk(const SnapshotManifest& m, uint32_t i, const std::string& data, const SnapshotHash& h) {
  if (i >= m.chunk_count)
    return "chunk " + std::to_string(i) + " is beyond the manifest's " + std::to_string(m.chunk_count) + " chunks";
  if (data.size() != expected_chunk_size(m, i))
    return "chunk " + std::to_string(i) + " has " + std::to_string(data.size()) + " bytes, the signed manifest says " +
           std::to_string(expected_chunk_size(m, i)) + " (truncated or altered)";
  if (sodium_memcmp(h.data(), m.chunk_sha256[i].data(), kSnapshotHashBytes) != 0)
    return "chunk " + std::to_string(i) + " does not match the signed manifest (altered)";
  return "";
}

}  // namespace

std::string snapshot_manifest_encode(const SnapshotManifest& m, const GalleryKey& sign_key) {
  std::string s(kSnapshotMagic, sizeof kSnapshotMagic);
  put32(&s, kSnapshotVersion);
  put32(&s, (uint32_t)(kSnapshotManifestFixedBytes + kSnapshotHashBytes * (m.chunk_sha256.size() + 1)));
  s.append(reinterpret_cast<const char*>(m.gallery_id), kGalleryIdBytes);
  put64(&s, m.sequence);
  put64(&s, (uint64_t)m.published_unix_us);
  put64(&s, m.total_bytes);
  put32(&s, m.chunk_bytes);
  put32(&s, m.chunk_count);
  s.append(reinterpret_cast<const char*>(m.sha256.data()), kSnapshotHashBytes);
  for (const SnapshotHash& h : m.chunk_sha256) s.append(reinterpret_cast<const char*>(h.data()), kSnapshotHashBytes);
  uint8_t mac[kSnapshotHashBytes];
  manifest_mac(sign_key, reinterpret_cast<const uint8_t*>(s.data()), s.size(), mac);
  s.append(reinterpret_cast<const char*>(mac), sizeof mac);
  return s;
}

Status snapshot_build(const uint8_t* gallery, size_t size, uint64_t sequence, int64_t published_unix_us,
                      uint32_t chunk_bytes, const GalleryKey& sign_key, SnapshotMessages* out) {
  if (!sign_key.loaded) return Status::error("snapshot: no sign key");
  if (size == 0 || size > kSnapshotMaxBytes)
    return Status::error("snapshot: the gallery is " + std::to_string(size) + " bytes; a snapshot holds 1.." +
                         std::to_string(kSnapshotMaxBytes));
  if (chunk_bytes < kSnapshotMinChunkBytes || chunk_bytes > kSnapshotMaxChunkBytes)
    return Status::error("snapshot: chunk size " + std::to_string(chunk_bytes) + " outside " +
                         std::to_string(kSnapshotMinChunkBytes) + ".." + std::to_string(kSnapshotMaxChunkBytes));
  if (sequence == 0) return Status::error("snapshot: sequence 0 is reserved (nothing installed)");
  SnapshotManifest m;
  if (size >= kGalleryHeaderSize) std::memcpy(m.gallery_id, gallery + kHeaderGalleryId, kGalleryIdBytes);
  m.sequence = sequence;
  m.published_unix_us = published_unix_us;
  m.total_bytes = size;
  m.chunk_bytes = chunk_bytes;
  m.chunk_count = (uint32_t)((size + chunk_bytes - 1) / chunk_bytes);
  m.sha256 = sha256(gallery, size);
  SnapshotMessages r;
  for (uint32_t i = 0; i < m.chunk_count; ++i) {
    const size_t off = (size_t)i * chunk_bytes, n = expected_chunk_size(m, i);
    m.chunk_sha256.push_back(sha256(gallery + off, n));
    std::string c(kSnapshotChunkMagic, sizeof kSnapshotChunkMagic);
    put64(&c, sequence);
    put32(&c, i);
    put32(&c, (uint32_t)n);
    c.append(reinterpret_cast<const char*>(gallery + off), n);
    r.chunks.push_back(std::move(c));
  }
  r.manifest = snapshot_manifest_encode(m, sign_key);
  *out = std::move(r);
  return Status::ok();
}

Status snapshot_manifest_parse(const uint8_t* p, size_t n, const GalleryKey& sign_key, SnapshotManifest* out) {
  if (n < sizeof kSnapshotMagic || std::memcmp(p, kSnapshotMagic, sizeof kSnapshotMagic) != 0)
    return Status::error("unsigned: not a signed gallery snapshot manifest (no FGGSNAP1 magic)");
  if (n < kSnapshotManifestFixedBytes + kSnapshotHashBytes)
    return Status::error("truncated manifest (" + std::to_string(n) + " bytes)");
  const uint32_t version = get32(p + 8), declared = get32(p + 12);
  if (version != kSnapshotVersion) return Status::error("unsupported snapshot version " + std::to_string(version));
  if (declared != n)
    return Status::error("truncated manifest (" + std::to_string(n) + " of " + std::to_string(declared) + " bytes)");
  // The MAC first: no field of an unauthenticated manifest is believed (not even its sizes).
  if (!sign_key.loaded) return Status::error("no sign key to check the snapshot with");
  uint8_t mac[kSnapshotHashBytes];
  manifest_mac(sign_key, p, n - kSnapshotHashBytes, mac);
  if (sodium_memcmp(mac, p + n - kSnapshotHashBytes, kSnapshotHashBytes) != 0)
    return Status::error("bad signature (forged, or signed with another key)");
  SnapshotManifest m;
  std::memcpy(m.gallery_id, p + 16, kGalleryIdBytes);
  m.sequence = get64(p + 32);
  m.published_unix_us = (int64_t)get64(p + 40);
  m.total_bytes = get64(p + 48);
  m.chunk_bytes = get32(p + 56);
  m.chunk_count = get32(p + 60);
  std::memcpy(m.sha256.data(), p + 64, kSnapshotHashBytes);
  if (m.sequence == 0) return Status::error("sequence 0 is reserved");
  if (m.total_bytes == 0 || m.total_bytes > kSnapshotMaxBytes)
    return Status::error("oversize: " + std::to_string(m.total_bytes) + " bytes (a door accepts 1.." +
                         std::to_string(kSnapshotMaxBytes) + ")");
  if (m.chunk_bytes < kSnapshotMinChunkBytes || m.chunk_bytes > kSnapshotMaxChunkBytes)
    return Status::error("bad chunk size " + std::to_string(m.chunk_bytes));
  if ((uint64_t)m.chunk_count != (m.total_bytes + m.chunk_bytes - 1) / m.chunk_bytes || m.chunk_count > kMaxChunks)
    return Status::error("chunk count " + std::to_string(m.chunk_count) + " does not cover " +
                         std::to_string(m.total_bytes) + " bytes");
  if (n != kSnapshotManifestFixedBytes + kSnapshotHashBytes * ((size_t)m.chunk_count + 1))
    return Status::error("manifest size does not match its chunk count");
  m.chunk_sha256.resize(m.chunk_count);
  for (uint32_t i = 0; i < m.chunk_count; ++i)
    std::memcpy(m.chunk_sha256[i].data(), p + kSnapshotManifestFixedBytes + (size_t)i * kSnapshotHashBytes,
                kSnapshotHashBytes);
  *out = std::move(m);
  return Status::ok();
}

Status snapshot_chunk_parse(const uint8_t* p, size_t n, SnapshotChunk* out) {
  if (n < sizeof kSnapshotChunkMagic || std::memcmp(p, kSnapshotChunkMagic, sizeof kSnapshotChunkMagic) != 0)
    return Status::error("not a snapshot chunk (no FGGCHNK1 magic)");
  if (n < kSnapshotChunkHeaderBytes) return Status::error("truncated chunk header");
  SnapshotChunk c;
  c.sequence = get64(p + 8);
  c.index = get32(p + 16);
  const uint32_t declared = get32(p + 20);
  if (declared != n - kSnapshotChunkHeaderBytes)
    return Status::error("truncated chunk " + std::to_string(c.index) + " (" + std::to_string(n - kSnapshotChunkHeaderBytes) +
                         " of " + std::to_string(declared) + " bytes)");
  if (declared > kSnapshotMaxChunkBytes) return Status::error("chunk larger than " + std::to_string(kSnapshotMaxChunkBytes));
  c.data = p + kSnapshotChunkHeaderBytes;
  c.size = declared;
  *out = c;
  return Status::ok();
}

size_t snapshot_assembler_missing(const SnapshotAssembler& a) {
  if (!a.pending) return 0;
  return a.manifest.chunk_count - a.chunks.size();  // every kept chunk is < chunk_count once pending
}

void snapshot_assembler_reset(SnapshotAssembler* a) {
  a->pending = false;
  a->manifest = SnapshotManifest{};
  a->chunks.clear();
  a->chunk_sha256.clear();
  a->chunk_data_bytes = 0;
}

SnapshotStep snapshot_assembler_manifest(SnapshotAssembler* a, const uint8_t* data, size_t size,
                                         const GalleryKey& sign_key, std::string* reason) {
  SnapshotManifest m;
  if (Status s = snapshot_manifest_parse(data, size, sign_key, &m); !s) {
    *reason = s.message();
    return SnapshotStep::kRefused;
  }
  if (m.sequence == a->installed) return SnapshotStep::kNothing;  // the retained copy we already have
  if (m.sequence < a->installed) {
    *reason = "replayed: sequence " + std::to_string(m.sequence) + " is older than the installed " +
              std::to_string(a->installed);
    return SnapshotStep::kRefused;
  }
  if (a->pending && m.sequence == a->manifest.sequence) return SnapshotStep::kNothing;  // duplicate
  if (a->pending && m.sequence < a->manifest.sequence) {
    *reason = "replayed: sequence " + std::to_string(m.sequence) + " is older than the one being assembled (" +
              std::to_string(a->manifest.sequence) + ")";
    return SnapshotStep::kRefused;
  }
  if (a->chunks_sequence != m.sequence) {
    a->chunks.clear();
    a->chunk_sha256.clear();
    a->chunk_data_bytes = 0;
    a->chunks_sequence = m.sequence;
  }
  a->manifest = std::move(m);
  a->pending = true;
  for (const auto& kv : a->chunks) {
    const std::string why = check_chunk(a->manifest, kv.first, kv.second, a->chunk_sha256.at(kv.first));
    if (!why.empty()) {
      *reason = why;
      snapshot_assembler_reset(a);
      return SnapshotStep::kRefused;
    }
  }
  return snapshot_assembler_missing(*a) == 0 ? SnapshotStep::kComplete : SnapshotStep::kNothing;
}

SnapshotStep snapshot_assembler_chunk(SnapshotAssembler* a, uint32_t topic_index, const uint8_t* data, size_t size,
                                      std::string* reason) {
  SnapshotChunk c;
  if (Status s = snapshot_chunk_parse(data, size, &c); !s) {
    *reason = "chunk on topic index " + std::to_string(topic_index) + ": " + s.message();
    return SnapshotStep::kRefused;
  }
  if (c.index != topic_index) {
    *reason = "chunk " + std::to_string(c.index) + " published under index " + std::to_string(topic_index);
    return SnapshotStep::kRefused;
  }
  if (c.sequence <= a->installed) return SnapshotStep::kNothing;  // stale retained chunk
  if (a->pending) {
    if (c.sequence < a->manifest.sequence) return SnapshotStep::kNothing;
    if (c.sequence > a->manifest.sequence) {
      snapshot_assembler_reset(a);  // a newer publish is under way: its manifest will follow
    }
  }
  std::string bytes(reinterpret_cast<const char*>(c.data), c.size);
  const SnapshotHash h = sha256(c.data, c.size);
  if (a->pending) {
    const std::string why = check_chunk(a->manifest, c.index, bytes, h);
    if (!why.empty()) {
      *reason = why;
      snapshot_assembler_reset(a);
      return SnapshotStep::kRefused;
    }
  } else {
    if (c.sequence < a->chunks_sequence) return SnapshotStep::kNothing;
    if (c.sequence > a->chunks_sequence) {
      a->chunks.clear();
      a->chunk_sha256.clear();
      a->chunk_data_bytes = 0;
      a->chunks_sequence = c.sequence;
    }
    // Before a manifest vouches for them, chunks are bounded like a whole snapshot.
    const auto old = a->chunks.find(c.index);
    const size_t replaced = old == a->chunks.end() ? 0 : old->second.size();
    if (c.index >= kMaxChunks || a->chunk_data_bytes - replaced + c.size > kSnapshotMaxBytes) {
      *reason = "oversize: unsigned chunks beyond " + std::to_string(kSnapshotMaxBytes) + " bytes";
      a->chunks.clear();
      a->chunk_sha256.clear();
      a->chunk_data_bytes = 0;
      return SnapshotStep::kRefused;
    }
    a->chunk_data_bytes -= replaced;
  }
  auto& slot = a->chunks[c.index];
  if (a->pending) a->chunk_data_bytes -= slot.size();
  a->chunk_data_bytes += bytes.size();
  slot = std::move(bytes);
  a->chunk_sha256[c.index] = h;
  return a->pending && snapshot_assembler_missing(*a) == 0 ? SnapshotStep::kComplete : SnapshotStep::kNothing;
}

Status snapshot_assembler_take(SnapshotAssembler* a, std::string* gallery, SnapshotManifest* manifest) {
  if (!a->pending || snapshot_assembler_missing(*a) != 0) return Status::error("snapshot incomplete");
  std::string all;
  all.reserve(a->manifest.total_bytes);
  for (const auto& kv : a->chunks) all += kv.second;
  const SnapshotManifest m = std::move(a->manifest);
  snapshot_assembler_reset(a);
  // Each chunk matched its signed hash and size (check_chunk), so only the total is left to see.
  if (all.size() != m.total_bytes) return Status::error("assembled snapshot has the wrong size");
  *gallery = std::move(all);
  *manifest = m;
  return Status::ok();
}

}  // namespace fg
