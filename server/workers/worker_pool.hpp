#pragma once
// A fixed set of threads, each owning one blocking resource (a MySQL or Redis connection).
// Jobs wait in a queue; a job still queued can be cancelled (the caller's wait for a free
// connection is bounded: see await.hpp), a job already taken runs to the end.
// No Asio here: the storage libraries stay quick to compile.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sh::workers {

template <class Resource>
class Job {
  public:
    virtual ~Job() = default;
    // Runs on a worker thread with its resource; must not throw.
    virtual void execute(Resource& r) noexcept = 0;
    // The pool stopped before the job ran; must not throw.
    virtual void abandon() noexcept = 0;
    // Jobs with the same non-null key may be run together by one of them (see take_batch).
    virtual const void* batch_key() const noexcept { return nullptr; }

    // queued -> running; false if the job was cancelled meanwhile.
    bool try_start() { return exchange_if(queued, running); }
    // queued -> cancelled; false if a worker took it first.
    bool try_cancel() { return exchange_if(queued, cancelled); }

  private:
    static constexpr int queued = 0, running = 1, cancelled = 2;
    bool exchange_if(int from, int to) { return state_.compare_exchange_strong(from, to); }
    std::atomic<int> state_{queued};
};

struct PoolStats {
    int size = 0;
    int in_use = 0;
    int waiting = 0;
    std::uint64_t timeouts = 0;  // jobs that gave up waiting for a free resource
};

template <class Resource>
class WorkerPool {
  public:
    using Factory = std::function<std::unique_ptr<Resource>()>;
    using JobPtr = std::shared_ptr<Job<Resource>>;

    WorkerPool(int size, const Factory& make) {
        for (int i = 0; i < size; ++i) {
            std::shared_ptr<Resource> r = make();
            threads_.emplace_back([this, r] { work(*r); });
        }
    }
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;
    ~WorkerPool() { stop(); }

    void submit(JobPtr job) {
        {
            std::lock_guard lock(mu_);
            if (!stopping_) {
                queue_.push_back(std::move(job));
                cv_.notify_one();
                return;
            }
        }
        if (job->try_start()) job->abandon();
    }

    // Called by a running job: takes up to `max` queued jobs with its batch key, started, for it
    // to run with its own (jobs whose callers stopped waiting are dropped). The taken jobs are
    // never executed by the pool; the caller completes them.
    std::vector<JobPtr> take_batch(const Job<Resource>& like, std::size_t max) {
        std::vector<JobPtr> out;
        const void* key = like.batch_key();
        if (!key || max == 0) return out;
        std::lock_guard lock(mu_);
        for (auto it = queue_.begin(); it != queue_.end() && out.size() < max;) {
            if ((*it)->batch_key() != key) {
                ++it;
                continue;
            }
            JobPtr job = std::move(*it);
            it = queue_.erase(it);
            if (job->try_start()) out.push_back(std::move(job));
        }
        return out;
    }

    void count_timeout() { timeouts_.fetch_add(1, std::memory_order_relaxed); }

    PoolStats stats() const {
        std::lock_guard lock(mu_);
        return PoolStats{static_cast<int>(threads_.size()), in_use_,
                         static_cast<int>(queue_.size()),
                         timeouts_.load(std::memory_order_relaxed)};
    }

    // Finishes the running jobs, abandons the queued ones, joins the threads. Idempotent.
    void stop() {
        std::deque<JobPtr> left;
        {
            std::lock_guard lock(mu_);
            if (stopping_) return;
            stopping_ = true;
            left.swap(queue_);
        }
        cv_.notify_all();
        for (auto& t : threads_)
            if (t.joinable()) t.join();
        for (auto& j : left)
            if (j->try_start()) j->abandon();
    }

  private:
    void work(Resource& r) {
        for (;;) {
            JobPtr job;
            {
                std::unique_lock lock(mu_);
                cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
                if (stopping_) return;
                job = std::move(queue_.front());
                queue_.pop_front();
                if (!job->try_start()) continue;  // its caller stopped waiting
                ++in_use_;
            }
            job->execute(r);
            job.reset();
            std::lock_guard lock(mu_);
            --in_use_;
        }
    }

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<JobPtr> queue_;
    int in_use_ = 0;
    bool stopping_ = false;
    std::atomic<std::uint64_t> timeouts_{0};
    std::vector<std::thread> threads_;
};

}  // namespace sh::workers
