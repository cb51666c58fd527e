#include "tests/support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sh::test {

namespace {
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
            const std::string& log_path) {
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            ::close(fd);
        }
        // The child sees only the SH_* settings the test gives it: the test runner's own
        // (scripts/test.sh exports the shared services' ports) must not override its config.
        std::vector<std::string> inherited;
        for (char** e = environ; *e; ++e)
            if (std::strncmp(*e, "SH_", 3) == 0) inherited.emplace_back(*e, std::strcspn(*e, "="));
        for (const auto& name : inherited) ::unsetenv(name.c_str());
        for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    return pid;
}

int wait_for(pid_t pid, int timeout_ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        int status = 0;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (std::chrono::steady_clock::now() > deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}
}  // namespace

Process::Process(std::vector<std::string> argv, std::vector<std::string> env, std::string log_path)
    : log_path_(std::move(log_path)) {
    pid_ = spawn(argv, env, log_path_);
}

Process::~Process() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        wait_for(pid_, 5000);
    }
}

void Process::signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
}

int Process::wait(int timeout_ms) {
    int r = wait_for(pid_, timeout_ms);
    if (r >= 0) pid_ = -1;
    return r;
}

std::string Process::log() const {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string server_binary() {
    const char* chosen = std::getenv("SH_SERVER_BINARY");
    return chosen && *chosen ? chosen : SH_BINARY;
}

int run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                std::string& out) {
    std::string path = "/tmp/sh-test-cmd-" + std::to_string(::getpid()) + ".log";
    pid_t pid = spawn(argv, env, path);
    int r = wait_for(pid, 60'000);
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    ::unlink(path.c_str());
    return r;
}

}  // namespace sh::test
