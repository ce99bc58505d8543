// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace kube {

// Runs a program to completion without a shell: stdin is /dev/null (there is no terminal to offer),
// stdout and stderr are captured, and the whole process group is killed on timeout or abort.
// Blocks the calling thread, so callers run it on a thread of their own.
class ProcessRunner {
public:
    struct Request {
        std::string command; // looked up in PATH unless it contains a '/'
        std::vector<std::string> args;
        std::vector<std::pair<std::string, std::string>> env; // set on top of this process's environment
        std::chrono::milliseconds timeout{60000};
        int abortFd = -1; // readable (e.g. a pipe written to) means: stop now
    };

    struct Result {
        enum class Outcome { Exited, NotFound, SpawnFailed, TimedOut, Aborted, Signalled };
        Outcome outcome = Outcome::SpawnFailed;
        int exitCode = -1;       // Exited only
        int signal = 0;          // Signalled only
        std::string spawnError;  // SpawnFailed / NotFound: strerror of the failure
        std::string out;
        std::string err;
    };

    static Result run(const Request& request);
};

} // namespace kube
