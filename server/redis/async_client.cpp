#include "server/redis/async_client.hpp"

#include <atomic>
#include <optional>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/strand.hpp>

#include "common/log.hpp"
#include "server/redis/reply.hpp"

namespace sh::redis {

using booking::AppException;
using booking::Errc;

namespace {

// One command in flight: completed exactly once, by its reply, its deadline or a disconnect.
struct OpBase {
    explicit OpBase(const asio::any_io_executor& ex) : timer(ex) {}
    virtual ~OpBase() = default;
    virtual void complete(std::exception_ptr e, std::optional<Reply> r) = 0;
    bool done = false;
    asio::steady_timer timer;
};

template <class Handler>
struct Op final : OpBase {
    Op(const asio::any_io_executor& strand, Handler h)
        : OpBase(strand),
          handler(std::move(h)),
          work(asio::prefer(asio::get_associated_executor(handler),
                            asio::execution::outstanding_work.tracked)) {}
    void complete(std::exception_ptr e, std::optional<Reply> r) override {
        // The caller resumes on its own executor.
        asio::post(work, [h = std::move(handler), e, r = std::move(r)]() mutable {
            std::move(h)(e, std::move(r));
        });
    }
    Handler handler;
    asio::any_io_executor work;
};

}  // namespace

struct AsyncClient::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& ioc, const config::RedisConfig& c, std::shared_ptr<PrimaryLocator> p)
        : cfg(c),
          primary(p ? std::move(p) : std::make_shared<PrimaryLocator>(cfg)),
          strand(asio::make_strand(ioc)),
          retry(strand) {}

    config::RedisConfig cfg;
    std::shared_ptr<PrimaryLocator> primary;
    asio::any_io_executor strand;
    asio::steady_timer retry;
    redisAsyncContext* ac = nullptr;
    std::optional<asio::posix::stream_descriptor> sd;
    bool want_read = false, want_write = false, read_armed = false, write_armed = false;
    std::uint64_t generation = 0;
    bool stopping = false;
    std::atomic<std::uint64_t> errors{0};

    // --- hiredis event hooks (always called on the strand) ---
    static Impl& self(void* p) { return *static_cast<Impl*>(p); }
    static void add_read(void* p) {
        self(p).want_read = true;
        self(p).arm_read();
    }
    static void del_read(void* p) { self(p).want_read = false; }
    static void add_write(void* p) {
        self(p).want_write = true;
        self(p).arm_write();
    }
    static void del_write(void* p) { self(p).want_write = false; }
    static void cleanup(void* p) {
        auto& s = self(p);
        s.want_read = s.want_write = false;
        if (s.sd) {
            boost::system::error_code ec;
            s.sd->cancel(ec);
            s.sd->release();  // hiredis closes its own socket
            s.sd.reset();
        }
    }

    void arm_read() {
        if (read_armed || !sd) return;
        read_armed = true;
        sd->async_wait(asio::posix::stream_descriptor::wait_read,
                       [me = shared_from_this(), gen = generation](boost::system::error_code ec) {
                           me->read_armed = false;
                           if (ec || gen != me->generation || !me->ac || !me->want_read) return;
                           redisAsyncHandleRead(me->ac);
                           if (gen == me->generation && me->ac && me->want_read) me->arm_read();
                       });
    }
    void arm_write() {
        if (write_armed || !sd) return;
        write_armed = true;
        sd->async_wait(asio::posix::stream_descriptor::wait_write,
                       [me = shared_from_this(), gen = generation](boost::system::error_code ec) {
                           me->write_armed = false;
                           if (ec || gen != me->generation || !me->ac || !me->want_write) return;
                           redisAsyncHandleWrite(me->ac);
                           if (gen == me->generation && me->ac && me->want_write) me->arm_write();
                       });
    }

    static void on_connect(const redisAsyncContext* c, int status) {
        auto& s = *static_cast<Impl*>(c->data);
        if (status != REDIS_OK) {
            // hiredis frees the context after this callback.
            s.lost("connect failed");
            return;
        }
        log::info("redis", "async connection up");
    }
    static void on_disconnect(const redisAsyncContext* c, int status) {
        auto& s = *static_cast<Impl*>(c->data);
        if (s.ac == c) s.lost(status == REDIS_OK ? "disconnected" : "connection lost");
    }
    void lost(const char* why) {
        ac = nullptr;  // hiredis frees it
        ++generation;
        errors.fetch_add(1, std::memory_order_relaxed);
        if (stopping) return;
        primary->report_failure();
        log::warn("redis", std::string("async client: ") + why);
        schedule_reconnect();
    }
    void schedule_reconnect() {
        retry.expires_after(std::chrono::milliseconds(cfg.retry_interval_ms));
        retry.async_wait([me = shared_from_this()](boost::system::error_code ec) {
            if (!ec && !me->stopping && !me->ac) me->connect();
        });
    }

    void connect() {
        auto where = primary->current();
        if (!where) {
            primary->report_failure();
            schedule_reconnect();
            return;
        }
        redisAsyncContext* c = redisAsyncConnect(where->host.c_str(), where->port);
        if (!c || c->err) {
            if (c) redisAsyncFree(c);
            errors.fetch_add(1, std::memory_order_relaxed);
            schedule_reconnect();
            return;
        }
        ++generation;
        ac = c;
        c->data = this;
        c->ev.data = this;
        c->ev.addRead = &Impl::add_read;
        c->ev.delRead = &Impl::del_read;
        c->ev.addWrite = &Impl::add_write;
        c->ev.delWrite = &Impl::del_write;
        c->ev.cleanup = &Impl::cleanup;
        sd.emplace(strand, c->c.fd);
        redisAsyncSetConnectCallback(c, &Impl::on_connect);
        redisAsyncSetDisconnectCallback(c, &Impl::on_disconnect);
        if (!cfg.password.empty()) {
            const char* argv[] = {"AUTH", cfg.password.c_str()};
            std::size_t lens[] = {4, cfg.password.size()};
            redisAsyncCommandArgv(c, nullptr, nullptr, 2, argv, lens);
        }
    }

    static void on_reply(redisAsyncContext* c, void* reply, void* privdata) {
        std::unique_ptr<std::shared_ptr<OpBase>> holder(
            static_cast<std::shared_ptr<OpBase>*>(privdata));
        auto& op = *holder;
        op->timer.cancel();
        if (reply && is_readonly(static_cast<redisReply*>(reply))) {
            // The server became a replica (failover): drop this connection, find the primary.
            auto& s = *static_cast<Impl*>(c->data);
            s.primary->report_failure();
            if (s.ac == c) redisAsyncDisconnect(c);
            reply = nullptr;
        }
        if (op->done) return;  // its caller gave up: a late reply touches nothing
        op->done = true;
        if (!reply) {
            op->complete(std::make_exception_ptr(AppException(Errc::redis_unavailable)),
                         std::nullopt);
            return;
        }
        op->complete(nullptr, to_reply(static_cast<redisReply*>(reply)));
    }

    void submit(const std::shared_ptr<OpBase>& op, const std::vector<std::string>& args) {
        if (!ac) {
            op->done = true;
            errors.fetch_add(1, std::memory_order_relaxed);
            op->complete(std::make_exception_ptr(AppException(Errc::redis_unavailable)),
                         std::nullopt);
            return;
        }
        std::vector<const char*> argv;
        std::vector<std::size_t> lens;
        for (const auto& a : args) {
            argv.push_back(a.data());
            lens.push_back(a.size());
        }
        auto* holder = new std::shared_ptr<OpBase>(op);
        if (redisAsyncCommandArgv(ac, &Impl::on_reply, holder, static_cast<int>(argv.size()),
                                  argv.data(), lens.data()) != REDIS_OK) {
            delete holder;
            op->done = true;
            op->complete(std::make_exception_ptr(AppException(Errc::redis_unavailable)),
                         std::nullopt);
            return;
        }
        op->timer.expires_after(std::chrono::milliseconds(cfg.command_timeout_ms));
        op->timer.async_wait([op, me = shared_from_this()](boost::system::error_code ec) {
            if (ec || op->done) return;
            op->done = true;
            me->errors.fetch_add(1, std::memory_order_relaxed);
            op->complete(std::make_exception_ptr(AppException(Errc::redis_unavailable)),
                         std::nullopt);
        });
    }
};

AsyncClient::AsyncClient(asio::io_context& ioc, config::RedisConfig cfg,
                         std::shared_ptr<PrimaryLocator> primary)
    : cfg_(std::move(cfg)), impl_(std::make_shared<Impl>(ioc, cfg_, std::move(primary))) {
    asio::post(impl_->strand, [impl = impl_] { impl->connect(); });
}

AsyncClient::~AsyncClient() {
    // Runs after the io_context stopped (the composition root's reverse order): no handler runs
    // concurrently. Freeing the context answers what is still pending and releases the socket.
    impl_->stopping = true;
    if (impl_->ac) {
        auto* c = impl_->ac;
        impl_->ac = nullptr;
        redisAsyncFree(c);
    }
}

std::uint64_t AsyncClient::errors() const {
    return impl_->errors.load(std::memory_order_relaxed);
}

awaitable<Reply> AsyncClient::command(std::vector<std::string> args) {
    auto impl = impl_;
    auto init = [impl, &args](auto handler) {
        using H = decltype(handler);
        auto op = std::make_shared<Op<H>>(impl->strand, std::move(handler));
        asio::post(impl->strand, [impl, op, a = std::move(args)] { impl->submit(op, a); });
    };
    std::optional<Reply> r =
        co_await asio::async_initiate<decltype(asio::use_awaitable),
                                      void(std::exception_ptr, std::optional<Reply>)>(
            init, asio::use_awaitable);
    co_return std::move(*r);
}

awaitable<Reply> AsyncClient::eval(const Script& script, std::vector<std::string> keys,
                                   std::vector<std::string> args) {
    std::vector<std::string> argv = {"EVALSHA", script.sha1, std::to_string(keys.size())};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    Reply r = co_await command(argv);
    if (r.is_error() && r.str.rfind("NOSCRIPT", 0) == 0) {
        argv[0] = "EVAL";
        argv[1] = script.source;
        r = co_await command(std::move(argv));
    }
    co_return r;
}

}  // namespace sh::redis
