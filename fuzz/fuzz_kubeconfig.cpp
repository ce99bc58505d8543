// SPDX-License-Identifier: Apache-2.0
// The kubeconfig loader on arbitrary bytes: parse, then resolve every context (base64 fields, exec
// sections, references between entries). Any input must give a Kubeconfig or a KubeconfigError.
#include "kubeclient/Kubeconfig.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string content(reinterpret_cast<const char*>(data), size);
    // A folder with nothing in it: relative paths the input names resolve to files that do not exist.
    auto loaded = kube::Kubeconfig::parse(content, "/nonexistent-meshdeck-fuzz/config");
    if (const auto* config = std::get_if<kube::Kubeconfig>(&loaded)) {
        for (const auto& context : config->contexts()) {
            (void)config->connection(context.name);
            (void)config->execConfig(context.user);
        }
        (void)config->connection();
    }
    return 0;
}
