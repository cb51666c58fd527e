#pragma once
// One shard of state per thread, registered with its owner so the owner can visit them all.
// A counter or buffer hit on every request then takes only its own thread's (uncontended) lock.
// The id tells one owner's thread-local entries from those of an earlier owner at the same address.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace sh::http {

template <class Shard>
class ThreadShards {
  public:
    ThreadShards() : id_(next_id()) {}

    // This thread's shard, created on first use.
    Shard& local() {
        thread_local std::vector<std::pair<std::uint64_t, Shard*>> mine;
        for (auto& [id, shard] : mine)
            if (id == id_) return *shard;
        std::lock_guard lock(mu_);
        shards_.push_back(std::make_unique<Shard>());
        mine.emplace_back(id_, shards_.back().get());
        return *shards_.back();
    }

    // Calls f(shard) for every shard; the caller locks what it reads inside a shard.
    template <class F>
    void for_each(F f) const {
        std::lock_guard lock(mu_);
        for (const auto& s : shards_) f(*s);
    }

  private:
    static std::uint64_t next_id() {
        static std::atomic<std::uint64_t> next{1};
        return next.fetch_add(1);
    }

    std::uint64_t id_;
    mutable std::mutex mu_;
    std::vector<std::unique_ptr<Shard>> shards_;
};

}  // namespace sh::http
