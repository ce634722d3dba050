// Status and Result<T>: failures as values.
//
// Every fallible function in newsmirror returns a Status or a Result<T>. A
// failure carries a kind (what sort of failure, for exit codes and tests) and a
// message that names what failed and where ("美国之音: HTTP 500 from
// https://…"), written for the operator. Nothing is thrown across a module
// boundary.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace nm {

class Status {
 public:
  enum class Kind {
    kOk,
    kInvalidArgument,  // bad input from the user: configuration, command line
    kNotFound,
    kIoError,          // the file system refused
    kNetworkError,     // connection, DNS, TLS, timeout
    kHttpError,        // the server answered with an error status
    kTooLarge,         // a size cap was hit
    kParseError,       // a document could not be read
    kCorruption,       // the archive or its state is inconsistent
    kBusy,             // another run holds the lock
    kInternal,
  };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return Status(Kind::kInvalidArgument, std::move(m)); }
  static Status NotFound(std::string m) { return Status(Kind::kNotFound, std::move(m)); }
  static Status IoError(std::string m) { return Status(Kind::kIoError, std::move(m)); }
  static Status NetworkError(std::string m) { return Status(Kind::kNetworkError, std::move(m)); }
  static Status HttpError(std::string m) { return Status(Kind::kHttpError, std::move(m)); }
  static Status TooLarge(std::string m) { return Status(Kind::kTooLarge, std::move(m)); }
  static Status ParseError(std::string m) { return Status(Kind::kParseError, std::move(m)); }
  static Status Corruption(std::string m) { return Status(Kind::kCorruption, std::move(m)); }
  static Status Busy(std::string m) { return Status(Kind::kBusy, std::move(m)); }
  static Status Internal(std::string m) { return Status(Kind::kInternal, std::move(m)); }

  bool ok() const { return kind_ == Kind::kOk; }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  // Returns a copy whose message is prefixed with `context: `.
  Status With(const std::string& context) const {
    if (ok()) return *this;
    return Status(kind_, context + ": " + message_);
  }

 private:
  Status(Kind k, std::string m) : kind_(k), message_(std::move(m)) {}
  Kind kind_ = Kind::kOk;
  std::string message_;
};

// Either a value or a failed Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}   // NOLINT: must not be ok
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace nm
