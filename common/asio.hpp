#pragma once
// The one project header that includes Asio's coroutine support. Boost 1.74's awaitable.hpp
// uses std::exchange without including <utility>, which g++ 12 does not pull in for it.
//
// g++ 12 and co_await (the one place this is explained): a temporary made inside a co_await
// expression — a braced list or initialiser, a call's temporary argument — can be destroyed twice
// when the coroutine resumes. So the code names such values first (a local vector, a local call
// object) and awaits into a variable; a comment "(g++ 12: common/asio.hpp)" marks each place.
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace sh {
namespace asio = boost::asio;
template <class T>
using awaitable = boost::asio::awaitable<T>;
}  // namespace sh
