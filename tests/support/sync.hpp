#pragma once
// Runs an awaitable to completion on a private io_context (for tests of coroutine APIs).
#include <future>

#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "common/asio.hpp"

namespace sh::test {

template <class T>
T sync_await(awaitable<T> a) {
    asio::io_context ioc;
    auto fut = asio::co_spawn(ioc, std::move(a), asio::use_future);
    ioc.run();
    return fut.get();
}

}  // namespace sh::test
