// Status: what every fallible facegate function returns.
// A failure carries one message a user can act on ("model.fgm: tensor 12 data out of file
// bounds (offset 9000 + 64 bytes > 8192)"). No exceptions cross the library boundary.
#pragma once
#include <string>
#include <utility>

namespace fg {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(std::string message) { return Status(std::move(message)); }
  bool is_ok() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  const std::string& message() const { return message_; }
  // Prefix the message with where it happened ("model.fgm: ...").
  Status& with_context(const std::string& where) {
    if (failed_) message_ = where + ": " + message_;
    return *this;
  }

 private:
  explicit Status(std::string message) : failed_(true), message_(std::move(message)) {}
  bool failed_ = false;
  std::string message_;
};

}  // namespace fg

// Return early from the calling function when `expr` yields a failed Status.
#define FG_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::fg::Status fg_status_ = (expr);            \
    if (!fg_status_.is_ok()) return fg_status_;  \
  } while (0)
