// SPDX-License-Identifier: Apache-2.0
// The Prometheus response parser on arbitrary bodies and statuses: a result or an error, never
// both, never a crash.
#include "kubeclient/PrometheusClient.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
        return 0;
    const long status = long(data[0]) << 8 | data[1];
    const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);
    const kube::PromResult result = kube::parsePrometheusResponse(status, body, "http://127.0.0.1:9090/api/v1/query");
    if (!result.error.ok() && (!result.series.empty() || !result.resultType.empty()))
        std::abort();
    (void)result.error.describe();
    return 0;
}
