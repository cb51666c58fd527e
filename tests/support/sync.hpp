#pragma once
// Runs an awaitable to completion on a private io_context (for tests of coroutine APIs); an
// exception it ends with is thrown here.
#include <exception>
#include <optional>

#include <boost/asio/io_context.hpp>

#include "common/asio.hpp"

namespace sh::test {

inline void sync_await(awaitable<void> a) {
    asio::io_context ioc;
    std::exception_ptr err;
    asio::co_spawn(ioc, std::move(a), [&](std::exception_ptr e) { err = e; });
    ioc.run();
    if (err) std::rethrow_exception(err);
}

template <class T>
T sync_await(awaitable<T> a) {
    std::optional<T> out;
    sync_await([&]() -> awaitable<void> { out.emplace(co_await std::move(a)); }());
    return std::move(*out);
}

}  // namespace sh::test
