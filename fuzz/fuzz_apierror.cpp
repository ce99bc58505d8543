// SPDX-License-Identifier: Apache-2.0
// The Status parser behind every API error: an arbitrary body with an arbitrary HTTP status must
// give an error with a reason and a one-line description, whatever the server or a proxy sent.
#include "kubeclient/ApiError.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
        return 0;
    const long status = long(data[0]) << 8 | data[1];
    const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
    const kube::ApiError error = kube::ApiError::fromHttp(status, body, "https://user:secret@127.0.0.1:6443/api/v1/pods");
    if (error.ok() || error.reason.empty())
        std::abort();
    const std::string line = error.describe();
    if (line.find('\n') != std::string::npos)
        std::abort();
    return 0;
}
