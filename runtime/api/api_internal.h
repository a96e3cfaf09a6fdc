// Shared pieces of the public API's implementation (runtime/api/, layer fg_api): the internal
// fg::Status -> facegate::Status mapping, the exception guard every entry point runs in, and
// the image-view copy. Not installed: include/facegate/ never includes this.
#pragma once
#include <new>
#include <stdexcept>
#include <string>

#include "facegate/facegate.hpp"
#include "runtime/base/status.h"
#include "runtime/vision/image.h"

namespace fg::api {

// Internal failures carry only a message; which code they get depends on the call (a model,
// image or gallery file that does not load is kBadInput).
inline facegate::Status from_internal(const fg::Status& s, facegate::StatusCode code = facegate::StatusCode::kBadInput) {
  return s.is_ok() ? facegate::Status::ok() : facegate::Status(code, s.message());
}

inline facegate::Status invalid(const std::string& message) {
  return facegate::Status(facegate::StatusCode::kInvalidArgument, message);
}

// Runs f() (which returns facegate::Status) so that no exception escapes the library.
template <class F>
facegate::Status guarded(const char* where, F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return facegate::Status(facegate::StatusCode::kInternal, std::string(where) + ": out of memory");
  } catch (const std::exception& e) {
    return facegate::Status(facegate::StatusCode::kInternal, std::string(where) + ": " + e.what());
  } catch (...) {
    return facegate::Status(facegate::StatusCode::kInternal, std::string(where) + ": unexpected failure");
  }
}

// Copies a caller's RGB view into an internal image (the pipeline works on owned rows);
// checks the pointer, the sizes and the stride first.
facegate::Status image_from_view(const facegate::ImageView& v, fg::Image* out);

// The model folder: `requested` if set, else $FG_MODEL_DIR (either must hold the models), else share/facegate/models next to
// the installed library (or executable, for a static link), else the compiled-in install path.
// The first candidate holding `probe` (detector.fgm; recognition.fgm for a recognition-only
// pipeline) wins; the error lists what was tried.
facegate::Status resolve_model_dir(const std::string& requested, std::string* out, const std::string& probe = "detector.fgm");

}  // namespace fg::api

// Return early with a failed facegate::Status.
#define FG_API_RETURN_IF_ERROR(expr)                   \
  do {                                                 \
    ::facegate::Status fg_api_status_ = (expr);        \
    if (!fg_api_status_.is_ok()) return fg_api_status_; \
  } while (0)
