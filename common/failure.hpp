#pragma once
// An expected failure as it crosses layers: a stable snake_case code (the contract's), a
// message for developers (English; empty: the code's default), and details that name what a
// client needs (a field, a limit, a time). Any layer may raise one with its own code — the domain
// (booking::AppError converts to it), the worker pools (busy, shutting_down), the HTTP layer
// (bad_json, payload_too_large) — and only server/http decides the status it is answered with.
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace sh {

struct Failure {
    std::string code;
    std::string message;
    nlohmann::json details = nullptr;
};

// A Failure raised where a value cannot be returned (a pool, a parser, a storage call); the
// request boundary answers it like a returned one.
class FailureException : public std::runtime_error {
  public:
    explicit FailureException(Failure f) : std::runtime_error(f.code), failure_(std::move(f)) {}
    const Failure& failure() const { return failure_; }

  private:
    Failure failure_;
};

}  // namespace sh
