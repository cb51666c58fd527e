#pragma once
// Runs the sharedhall binary as a child process for end-to-end tests.
#include <sys/types.h>

#include <string>
#include <vector>

namespace sh::test {

class Process {
  public:
    // argv[0] is the program; env entries "NAME=value" are added to the current environment.
    // stdout and stderr go to `log_path`.
    Process(std::vector<std::string> argv, std::vector<std::string> env, std::string log_path);
    ~Process();  // kills the child if still running
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    void signal(int sig);
    // Waits for exit up to timeout_ms; returns the exit status, or -1 on timeout.
    int wait(int timeout_ms);
    std::string log() const;

  private:
    pid_t pid_ = -1;
    std::string log_path_;
};

// The server program the tests start: $SH_SERVER_BINARY when set (the ASan tier runs these
// test programs against its sanitised server), else the one built beside them.
std::string server_binary();

// Runs a command to completion; returns its exit status; output into `out`.
int run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                std::string& out);

// Polls until pred() or timeout.
template <class Pred>
bool eventually(Pred pred, int timeout_ms, int step_ms = 20);

}  // namespace sh::test

#include <chrono>
#include <thread>
template <class Pred>
bool sh::test::eventually(Pred pred, int timeout_ms, int step_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
    }
    return pred();
}
