#include "runtime/gallery/gallery_key.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace fg {
namespace {

static_assert(sizeof(crypto_auth_hmacsha256_state) <= sizeof(GalleryMacer::state),
              "GalleryMacer::state too small for libsodium's HMAC state");
static_assert(crypto_auth_hmacsha256_BYTES == kGalleryMacBytes, "MAC size");

constexpr char kRecordDomain[] = "facegate-gallery-v2-record";
constexpr char kKeyIdDomain[] = "facegate-gallery-key-id";
// Header fields a compaction rewrites (next record id, next person id) and the header CRC.
constexpr size_t kHNextIds = 40, kHNextIdsBytes = 16, kHCrc = 124;

Status sys_error(const std::string& what) { return Status::error(what + ": " + std::strerror(errno)); }

// sodium_init is idempotent and thread-safe; it picks the fastest SHA-256 code path.
bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

void header_identity(const uint8_t* header_bytes, uint8_t out[kGalleryHeaderSize]) {
  std::memcpy(out, header_bytes, kGalleryHeaderSize);
  std::memset(out + kHNextIds, 0, kHNextIdsBytes);
  std::memset(out + kHCrc, 0, 4);
}

crypto_auth_hmacsha256_state* state_of(GalleryMacer* m) {
  return reinterpret_cast<crypto_auth_hmacsha256_state*>(m->state);
}
const crypto_auth_hmacsha256_state* state_of(const GalleryMacer& m) {
  return reinterpret_cast<const crypto_auth_hmacsha256_state*>(m.state);
}

}  // namespace

Status gallery_keygen(const std::string& path) {
  if (!sodium_ready()) return Status::error("libsodium failed to initialise");
  uint8_t key[kGalleryKeyBytes];
  randombytes_buf(key, sizeof key);
  // O_EXCL: a key is never overwritten (that would orphan every gallery signed with it).
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    const bool exists = errno == EEXIST;
    Status s = sys_error("create key file " + path);
    sodium_memzero(key, sizeof key);
    return exists ? Status::error("key file " + path + " already exists; refusing to overwrite it") : s;
  }
  // The umask can only remove bits; fchmod makes 0600 exact whatever it was.
  Status s = fchmod(fd, 0600) == 0 ? Status::ok() : sys_error("chmod " + path);
  if (s && write(fd, key, sizeof key) != ssize_t(sizeof key)) s = sys_error("write " + path);
  if (s && fsync(fd) != 0) s = sys_error("fsync " + path);
  close(fd);
  sodium_memzero(key, sizeof key);
  if (!s) unlink(path.c_str());
  return s;
}

Status gallery_key_load(const std::string& path, GalleryKey* out) {
  if (!sodium_ready()) return Status::error("libsodium failed to initialise");
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sys_error("gallery key " + path);
  struct stat st;
  if (fstat(fd, &st) != 0) return close(fd), sys_error("gallery key " + path);
  if (!S_ISREG(st.st_mode)) return close(fd), Status::error("gallery key " + path + " is not a regular file");
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    return Status::error("gallery key " + path + " has mode " + mode +
                         ": group or others may access it; refusing to use it (chmod 600 " + path + ")");
  }
  uint8_t buf[kGalleryKeyBytes + 1];
  ssize_t n = 0, got;
  while ((got = read(fd, buf + n, sizeof buf - size_t(n))) > 0) n += got;
  close(fd);
  if (got < 0) return sys_error("read gallery key " + path);
  if (n != ssize_t(kGalleryKeyBytes)) {
    sodium_memzero(buf, sizeof buf);
    return Status::error("gallery key " + path + " must be exactly 32 bytes (facegate gallery keygen makes one), got " +
                         std::string(n > ssize_t(kGalleryKeyBytes) ? "more" : std::to_string(n)));
  }
  GalleryKey k;
  std::memcpy(k.bytes, buf, kGalleryKeyBytes);
  sodium_memzero(buf, sizeof buf);
  k.loaded = true;
  k.path = path;
  gallery_key_derive_id(&k);
  *out = k;
  return Status::ok();
}

Status gallery_key_from_flag_or_env(const std::string& flag_value, GalleryKey* out) {
  std::string path = flag_value;
  if (path.empty())
    if (const char* env = std::getenv("FG_GALLERY_KEY"); env && *env) path = env;
  *out = GalleryKey{};
  if (path.empty()) return Status::ok();
  return gallery_key_load(path, out);
}

void gallery_key_derive_id(GalleryKey* key) {
  uint8_t full[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, key->bytes, kGalleryKeyBytes);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(kKeyIdDomain), sizeof kKeyIdDomain - 1);
  crypto_auth_hmacsha256_final(&st, full);
  std::memcpy(key->id, full, kGalleryKeyIdBytes);
}

void gallery_random_id(uint8_t out[kGalleryIdBytes]) {
  if (sodium_ready()) randombytes_buf(out, kGalleryIdBytes);
}

void gallery_macer_init(GalleryMacer* m, const GalleryKey& key, const uint8_t* header_bytes, const GalleryHeader& h) {
  (void)sodium_ready();
  uint8_t ident[kGalleryHeaderSize];
  header_identity(header_bytes, ident);
  crypto_auth_hmacsha256_init(state_of(m), key.bytes, kGalleryKeyBytes);
  crypto_auth_hmacsha256_update(state_of(m), reinterpret_cast<const unsigned char*>(kRecordDomain),
                                sizeof kRecordDomain - 1);
  crypto_auth_hmacsha256_update(state_of(m), ident, sizeof ident);
  m->header = h;
}

void gallery_macer_record(const GalleryMacer& m, const uint8_t* record, uint8_t out[kGalleryMacBytes]) {
  const GalleryHeader& h = m.header;
  crypto_auth_hmacsha256_state st = *state_of(m);
  const size_t flags_at = h.meta_offset + kMetaFlags, mac_at = h.meta_offset + kMetaMac;
  static const uint8_t kZero[kGalleryMacBytes] = {};
  // record with flags (4 B) and MAC (32 B) read as zero, in three spans + the zeros.
  crypto_auth_hmacsha256_update(&st, record, flags_at);
  crypto_auth_hmacsha256_update(&st, kZero, 4);
  crypto_auth_hmacsha256_update(&st, record + flags_at + 4, mac_at - flags_at - 4);
  crypto_auth_hmacsha256_update(&st, kZero, kGalleryMacBytes);
  crypto_auth_hmacsha256_update(&st, record + mac_at + kGalleryMacBytes, h.record_size - mac_at - kGalleryMacBytes);
  crypto_auth_hmacsha256_final(&st, out);
  sodium_memzero(&st, sizeof st);
}

bool gallery_macer_check(const GalleryMacer& m, const uint8_t* record) {
  uint8_t want[kGalleryMacBytes];
  gallery_macer_record(m, record, want);
  return sodium_memcmp(want, record + m.header.meta_offset + kMetaMac, kGalleryMacBytes) == 0;
}

void gallery_record_mac(const GalleryKey& key, const uint8_t* header_bytes, const GalleryHeader& h,
                        const uint8_t* record, uint8_t out[kGalleryMacBytes]) {
  GalleryMacer m;
  gallery_macer_init(&m, key, header_bytes, h);
  gallery_macer_record(m, record, out);
  sodium_memzero(m.state, sizeof m.state);
}

}  // namespace fg
