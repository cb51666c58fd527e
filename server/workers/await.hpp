#pragma once
// Awaiting a blocking job on a WorkerPool from a coroutine: the job runs on a worker thread,
// the coroutine resumes on its own executor with the value or the exception. If no worker takes
// the job within `acquire_timeout`, the job is withdrawn and the caller gets `busy` (503) at once
// instead of queueing without bound.
#include <chrono>
#include <exception>
#include <optional>
#include <type_traits>

#include "common/asio.hpp"
#include "common/failure.hpp"
#include "server/workers/worker_pool.hpp"

namespace sh::workers {

namespace detail {

// A job whose caller awaits a T on its own executor. It is answered exactly once: by whoever
// runs it, by the pool when it stops (shutting_down), or by the timer when no worker took it in
// time (busy) — the timer and a worker never both win.
template <class Resource, class T, class Handler>
class AwaitedJob : public Job<Resource>,
                   public std::enable_shared_from_this<AwaitedJob<Resource, T, Handler>> {
  public:
    AwaitedJob(Handler h, asio::any_io_executor ex)
        : handler_(std::move(h)),
          // Keeps the caller's io_context running while the job is out.
          ex_(asio::prefer(ex, asio::execution::outstanding_work.tracked)),
          timer_(std::in_place, ex) {}

    void start_timer(std::chrono::milliseconds timeout, WorkerPool<Resource>& pool) {
        timer_->expires_after(timeout);
        timer_->async_wait([self = this->shared_from_this(), &pool](boost::system::error_code ec) {
            if (ec) return;                   // cancelled: the job finished first
            if (!self->try_cancel()) return;  // a worker has it: it will complete
            pool.count_timeout();
            self->complete(std::make_exception_ptr(FailureException(
                               Failure{"busy", "The service is busy; retry shortly."})),
                           std::nullopt);
        });
    }

    void abandon() noexcept override {
        complete(std::make_exception_ptr(FailureException(
                     Failure{"shutting_down", "The server is restarting; retry shortly."})),
                 std::nullopt);
    }

    // Runs the handler on the caller's executor, where alone the timer is touched; the job stops
    // counting as outstanding work at once, even if it sits in the queue until a worker drops it.
    // The timer goes with the answer: a withdrawn job that a worker drops later may outlive the
    // caller's io_context, and must hold nothing of it (ASan caught the timer's destructor
    // running after its io_context's).
    void complete(std::exception_ptr ep, std::optional<T> value) noexcept {
        auto ex = std::move(ex_);
        asio::post(ex, [self = this->shared_from_this(), ep, v = std::move(value)]() mutable {
            self->timer_.reset();  // cancels a wait still pending
            std::move(self->handler_)(ep, std::move(v));
        });
    }

  private:
    Handler handler_;
    asio::any_io_executor ex_;
    std::optional<asio::steady_timer> timer_;
};

template <class Resource, class T, class F, class Handler>
class AsioJob final : public AwaitedJob<Resource, T, Handler> {
  public:
    AsioJob(F f, Handler h, asio::any_io_executor ex)
        : AwaitedJob<Resource, T, Handler>(std::move(h), ex), f_(std::move(f)) {}

    void execute(Resource& r) noexcept override {
        try {
            this->complete(nullptr, std::optional<T>(f_(r)));
        } catch (...) {
            this->complete(std::current_exception(), std::nullopt);
        }
    }

  private:
    F f_;
};

template <class T, class Resource, class F>
awaitable<std::optional<T>> submit(WorkerPool<Resource>& pool, F f,
                                   std::chrono::milliseconds acquire_timeout) {
    auto ex = co_await asio::this_coro::executor;
    auto init = [&pool, &f, acquire_timeout, ex](auto handler) {
        using H = decltype(handler);
        auto job =
            std::make_shared<AsioJob<Resource, T, F, H>>(std::move(f), std::move(handler), ex);
        job->start_timer(acquire_timeout, pool);
        pool.submit(job);
    };
    std::optional<T> r = co_await asio::async_initiate<decltype(asio::use_awaitable),
                                                       void(std::exception_ptr, std::optional<T>)>(
        init, asio::use_awaitable);
    co_return r;
}

}  // namespace detail

// co_await run_on(pool, [&](Resource& r) { ...blocking... }, 500ms) -> the lambda's result.
template <class Resource, class F>
auto run_on(WorkerPool<Resource>& pool, F f, std::chrono::milliseconds acquire_timeout)
    -> awaitable<std::invoke_result_t<F&, Resource&>> {
    using R = std::invoke_result_t<F&, Resource&>;
    if constexpr (std::is_void_v<R>) {
        auto wrapped = [f = std::move(f)](Resource& r) mutable {
            f(r);
            return true;
        };
        co_await detail::submit<bool>(pool, std::move(wrapped), acquire_timeout);
    } else {
        std::optional<R> r = co_await detail::submit<R>(pool, std::move(f), acquire_timeout);
        co_return std::move(*r);
    }
}

// The one way to await storage from a coroutine: co_await workers::run(db, [&](mysql::Conn& c) {
// ... }) — any storage with a pool, a guard (ready the connection, translate failures) and a
// bounded wait for a free connection (MySQL's Database, Redis's Client).
template <class Storage, class F>
auto run(Storage& storage, F f) {
    return run_on(storage.pool(), storage.guard(std::move(f)), storage.acquire_timeout());
}

}  // namespace sh::workers
